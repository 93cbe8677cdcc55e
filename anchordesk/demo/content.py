"""Conversations for the demo help desk, written the way customers and agents really write.

Each conversation is a list of turns: the customer ("customer"), the assigned agent
("agent"), an internal note ("note") or a lead stepping in ("lead"). Placeholders are
filled per ticket so that no two tickets read the same: {name} (the customer's first name),
{agent} and {lead} (first names), {product}, {order}, {amount}, {plan}, {day}, {city}.
All text here is original, written for Anchordesk.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Conversation:
    subject: str
    team: str
    turns: list[tuple[str, str]]
    priority: str = "normal"  # low, normal, high, urgent
    tags: list[str] = field(default_factory=list)
    channel: str = "email"
    mood: str = "polite"  # polite, confused, frustrated, angry, grateful


PRODUCTS = [
    "Aurora router",
    "Nimbus mesh kit",
    "Harbor NAS",
    "Pebble smart plug",
    "Quill tablet",
    "Summit laptop",
    "Drift earbuds",
    "Beacon video doorbell",
    "Lumen desk lamp",
    "Meadow thermostat",
    "Vesper security camera",
    "Tidal speaker",
    "Sparrow e-reader",
    "Canyon webcam",
    "Cobalt keyboard",
    'Fjord 27" monitor',
]
PLANS = ["Home Basic", "Home Plus", "Family", "Business Starter", "Business Pro", "Student"]
CITIES = ["Lisbon", "Leeds", "Lyon", "Porto", "Rotterdam", "Gdansk", "Valencia", "Cork", "Graz", "Bergen"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

CONVERSATIONS: list[Conversation] = [
    # --- polite -----------------------------------------------------------------------------
    Conversation(
        "Where is my order {order}?",
        "Support",
        [
            (
                "customer",
                "Hi there,\n\nI ordered a {product} ten days ago (order {order}) and the tracking page "
                "has not changed since it left the warehouse. Could you check where it is?\n\nMany thanks,\n{name}",
            ),
            (
                "agent",
                "Hi {name},\n\nThanks for your patience. I checked with the carrier: the parcel was held at "
                "the depot in {city} because the label was damaged. They relabelled it this morning and it is due "
                "on {day}. I'll keep an eye on it and write again if it hasn't moved by then.\n\nBest,\n{agent}",
            ),
            ("customer", "That's great, thank you for chasing it!"),
        ],
        tags=["delivery"],
    ),
    Conversation(
        "Question about the warranty on my {product}",
        "Support",
        [
            (
                "customer",
                "Hello,\n\nCould you tell me how long the warranty on the {product} lasts, and whether it "
                "covers the battery? I bought it in March.\n\nKind regards,\n{name}",
            ),
            (
                "agent",
                "Hello {name},\n\nThe {product} has a two-year warranty from the date of purchase, and it "
                "does cover the battery if it holds less than 80% of its charge. If you ever need it, "
                "reply here with your order number and I'll arrange a repair or replacement within 2 "
                "working days.\n\nAll the best,\n{agent}",
            ),
        ],
        priority="low",
        tags=["warranty"],
        channel="web",
    ),
    Conversation(
        "Can I change the delivery address?",
        "Support",
        [
            (
                "customer",
                "Hi, I just placed order {order} and realised it's going to my old flat. Can you change "
                "it to my new address in {city}? I've put it in my account already. Thanks! {name}",
            ),
            (
                "agent",
                "Hi {name}, no problem at all. The order hadn't been packed yet, so I've updated the address "
                "to the one in your account. You'll get a new confirmation email in a few minutes. {agent}",
            ),
            ("customer", "Perfect, got it. Thanks so much."),
        ],
        tags=["address-change"],
        channel="web",
    ),
    Conversation(
        "Invoice with our VAT number",
        "Billing",
        [
            (
                "customer",
                "Good morning,\n\nOur accounts team needs the invoice for order {order} to show our "
                "company VAT number. Could you reissue it?\n\nThank you,\n{name}",
            ),
            (
                "agent",
                "Good morning {name},\n\nOf course. I've sent you a new invoice with your VAT number; it's "
                "also in your account under Billing > Invoices. The old one is cancelled, so only the "
                "new one counts for your books.\n\nKind regards,\n{agent}",
            ),
        ],
        priority="low",
        tags=["invoice", "business"],
    ),
    Conversation(
        "Upgrade from {plan}",
        "Billing",
        [
            (
                "customer",
                "Hi, we're on the {plan} plan and would like to move up to the next tier from the start "
                "of next month. Is the price prorated if we switch mid-cycle? Thanks, {name}",
            ),
            (
                "agent",
                "Hi {name}, yes: if you switch mid-cycle we charge only the difference for the days "
                "left. I can schedule the change for the 1st, so your next invoice is simply the new "
                "price. Reply yes and I'll book it today.\n{agent}",
            ),
            ("customer", "Yes please, the 1st works for us."),
            (
                "agent",
                "Done: I've scheduled the upgrade for the 1st, and you'll see it on the next invoice. "
                "Thanks for staying with us, {name}!\n{agent}",
            ),
        ],
        tags=["upgrade"],
        channel="web",
    ),
    Conversation(
        "Return label for {product}",
        "Support",
        [
            (
                "customer",
                "Hello, the {product} I received is fine but it's not what I need after all. Could I have "
                "a return label please? Order {order}. Best wishes, {name}",
            ),
            (
                "agent",
                "Hello {name}, I've sent you a prepaid return label by email. Once the parcel reaches "
                "us, the refund of {amount} goes back to your card within 5 working days. {agent}",
            ),
        ],
        priority="low",
        tags=["return"],
        channel="web",
    ),
    Conversation(
        "Is the {product} compatible with my setup?",
        "Support",
        [
            (
                "customer",
                "Hi! Before I buy: does the {product} work with an older router that only does 2.4 GHz "
                "Wi-Fi? I don't want to order something I'll have to send back. Cheers, {name}",
            ),
            (
                "agent",
                "Hi {name}, good question. Yes, it works on 2.4 GHz; you'll only miss the faster 5 GHz "
                "mode. If anything doesn't work out, you can use the return link in your order email "
                "within 30 days. {agent}",
            ),
            ("customer", "Brilliant, ordering now. Thanks!"),
        ],
        priority="low",
        tags=["feedback"],
        channel="web",
    ),
    Conversation(
        "Request for a product demo",
        "Marketing",
        [
            (
                "customer",
                "Hello, we're a team of 40 in {city} looking at the {plan} plan. Would someone be able to "
                "walk us through it on a call next week?\n\nRegards,\n{name}",
            ),
            (
                "agent",
                "Hello {name}, thanks for your interest! I've passed your details to our team in Marketing; "
                "they'll email you on {day} with a few times for a 30-minute call. {agent}",
            ),
        ],
        priority="low",
        tags=["business"],
    ),
    # --- confused -----------------------------------------------------------------------------
    Conversation(
        "Not sure which model I have",
        "Support",
        [
            (
                "customer",
                "hi sorry if this is a silly question. my son set up the {product} and now the light is "
                "orange and I don't know which model it is or where to look. is orange bad?? {name}",
            ),
            (
                "agent",
                "Hi {name}, not a silly question at all, and I understand an orange light is worrying. "
                "I'm sorry the model is so hard to find: the name is printed on the sticker underneath. "
                "Orange means it has lost its internet connection. Could you unplug it, count to ten, "
                "and plug it back in? That restarts the connection. Then tell me the colour of the light "
                "after two minutes, so I can see whether it's back online.\n{agent}",
            ),
            ("customer", "ok I did that and now its green!! thank you, I was worried I broke it"),
            (
                "agent",
                "Green means all is well. You didn't break anything, {name}. Have a lovely day! {agent}",
            ),
        ],
        tags=["setup"],
        channel="phone",
        mood="confused",
    ),
    Conversation(
        "Two charges on my statement?",
        "Billing",
        [
            (
                "customer",
                "Hello, I see two amounts on my bank statement from you this month, {amount} and then a "
                "smaller one. I only have one subscription I think? I don't understand what the second one is for. "
                "{name}",
            ),
            (
                "agent",
                "Hello {name}, I can see why that's confusing. The smaller amount is the prorated charge "
                "for the days after you switched to the {plan} plan; the larger one is the normal "
                "monthly price. From next month you'll only see one charge. Does that match what you "
                "remember? If not, send me the dates of both charges so I can check them.\n{agent}",
            ),
            ("customer", "Oh yes, I did change the plan. OK that makes sense now, thank you."),
        ],
        tags=["billing"],
        mood="confused",
    ),
    Conversation(
        "App asks for a code I never got",
        "Support",
        [
            (
                "customer",
                "The app keeps asking me for a 6 digit code to log in but I never got any code. I've "
                "tried three times. Is it sent by text or email? I don't know what to do. {name}",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry the code never reached you; I understand how stuck that leaves "
                "you. It goes by text to the phone number on your account, which ends in a number you "
                "may no longer use. I've switched it to email for now, so the next code will arrive in "
                "your inbox. Could you try again and tell me if it arrives, so I can close this or look "
                "further?\n{agent}",
            ),
            ("customer", "Got it by email this time and I'm in. Thanks."),
        ],
        tags=["login", "account"],
        channel="web",
        mood="confused",
    ),
    Conversation(
        "Which cable do I need?",
        "Support",
        [
            (
                "customer",
                "I bought the {product} but there are two ports on the back and the manual shows a "
                "different picture. Which one does the cable go in? Sorry, I'm not very technical. {name}",
            ),
            (
                "agent",
                "Hi {name}, you're doing fine! Use the port marked with a small globe symbol; the other one is "
                "for connecting a computer. Our manual shows an older version, which I've reported so we fix it. "
                "{agent}",
            ),
            (
                "note",
                "Manual for the {product} still shows the previous revision's back panel. Flagged to Marketing "
                "for the printed insert.",
            ),
        ],
        priority="low",
        tags=["setup"],
        channel="phone",
        mood="confused",
    ),
    Conversation(
        "Did my cancellation go through?",
        "Billing",
        [
            (
                "customer",
                "Hi, I cancelled my {plan} subscription last week on the website but I still got an email "
                "saying my next payment is on the 3rd. Did it cancel or not? {name}",
            ),
            (
                "agent",
                "Hi {name}, the cancellation did go through: your plan ends on the 2nd and nothing more "
                "will be charged. I'm sorry our reminder email worried you, and I understand why it did. "
                "An old automation sent it by mistake, and I've turned it off.\n{agent}",
            ),
        ],
        tags=["cancellation"],
        mood="confused",
    ),
    # --- frustrated ---------------------------------------------------------------------------
    Conversation(
        "Still waiting for my refund",
        "Billing",
        [
            (
                "customer",
                "Hello,\n\nI returned the {product} three weeks ago and I still haven't received my refund "
                "of {amount}. I've been told twice it would be 'a few days'. This is getting really frustrating.\n\n"
                "{name}",
            ),
            (
                "agent",
                "Hello {name},\n\nI'm sorry you've waited three weeks for this refund, and I understand "
                "how frustrating it is to be told 'a few days' twice without it arriving. I checked: the "
                "return was received but the refund was never released. I've released it now ({amount}) "
                "and it will show in your account by {day}. I'll check on {day} that it has "
                "arrived.\n\n{agent}",
            ),
            ("customer", "OK. I'll believe it when I see it, but thank you for actually looking into it."),
            (
                "agent",
                "Hi {name}, just checking in as promised: the bank confirms the refund was paid out this "
                "morning, so you should have it in your account by {day}. Thanks for your patience with "
                "us.\n{agent}",
            ),
        ],
        priority="high",
        tags=["refund", "promise"],
        mood="frustrated",
    ),
    Conversation(
        "Wi-Fi drops every evening",
        "Network",
        [
            (
                "customer",
                "Every evening around 8pm my internet drops for a few minutes, sometimes longer. It's been "
                "going on for two weeks. I work from home and I've had calls cut off twice. Please sort this out. "
                "{name}",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry your connection keeps dropping in the evenings; that must be "
                "frustrating, especially with calls cut off. I can see repeated reconnects on your line "
                "around 8pm. I've requested a check of the street cabinet from our network team, and "
                "I'll update you by {day}.\n{agent}",
            ),
            (
                "note",
                "Line stats show errors spiking 19:45-21:00 daily. Possibly crosstalk at the street cabinet. "
                "Handoff to Network.",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry the drops went on while we searched; I know how disruptive they "
                "were for your calls. The network team found a faulty card in the street cabinet and "
                "replaced it this afternoon, and your line has been stable since. Please tell me if you "
                "see another drop.\n{agent}",
            ),
            ("customer", "Fingers crossed. Last two evenings were fine, so thank you."),
        ],
        priority="high",
        tags=["outage", "wifi"],
        mood="frustrated",
    ),
    Conversation(
        "Third time asking about my replacement",
        "Support",
        [
            (
                "customer",
                "This is the third time I'm writing about the replacement {product}. The first agent said "
                "it had shipped, the second said it hadn't. Which is it? I just want a working device. {name}",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry you've had two different answers; that's on us, not you, and I "
                "understand how frustrating it is to ask three times. I've checked the warehouse system "
                "myself: the replacement was never shipped. I've sent it by express today and the "
                "tracking number is in your account. It will be with you by {day}.\n{agent}",
            ),
            ("customer", "Right. Thank you for being straight with me at least."),
        ],
        priority="high",
        tags=["replacement", "complaint"],
        mood="frustrated",
    ),
    Conversation(
        "Discount code not working",
        "Marketing",
        [
            (
                "customer",
                "The discount code from your newsletter says 'invalid' at checkout. I've tried it on two "
                "browsers. Bit annoying when you advertise it everywhere. {name}",
            ),
            (
                "agent",
                "Hi {name}, you're right, and I'm sorry the code failed after we advertised it "
                "everywhere; I understand how annoying that is at checkout. It was set to expire a day "
                "early. Marketing has fixed it and I've applied the discount to your basket so you can "
                "check out now. {agent}",
            ),
        ],
        tags=["discount"],
        channel="web",
        mood="frustrated",
    ),
    Conversation(
        "Slow speeds since the upgrade",
        "Network",
        [
            (
                "customer",
                "Since you upgraded my line to the {plan} package the speed is actually worse than before. "
                "I'm paying more for less. Tests show about a third of what I was promised. {name}",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry you're paying more and getting less; that's not what you signed up "
                "for, and I understand why you're annoyed. I ran a test from our side and the line is "
                "still configured for the old profile. I've asked Network to apply the right profile "
                "tonight; please restart your router tomorrow morning and run a test. I'll call you on "
                "{day} to check.\n{agent}",
            ),
            ("customer", "Tested this morning, much better now."),
        ],
        priority="high",
        tags=["upgrade", "outage"],
        mood="frustrated",
    ),
    Conversation(
        "Nobody called me back",
        "Support",
        [
            (
                "customer",
                "I was promised a callback on {day} between 10 and 12. Nobody called. I stayed home for "
                "it. What is the point of booking a slot?? {name}",
            ),
            (
                "agent",
                "Hi {name}, I'm really sorry we didn't call. You gave up your morning and we didn't keep "
                "the appointment, and I understand how annoying that is. I'll call you myself tomorrow "
                "at 10:00, and I've added a credit of one month to your account for the wasted "
                "morning.\n{agent}",
            ),
            ("customer", "Thank you. Tomorrow at 10 is fine."),
        ],
        priority="high",
        tags=["callback", "promise", "complaint"],
        mood="frustrated",
    ),
    Conversation(
        "Charged after cancelling",
        "Billing",
        [
            (
                "customer",
                "I cancelled in writing last month and you've taken another {amount} from my account. "
                "I want that back and I want confirmation that nothing else will be taken. {name}",
            ),
            (
                "agent",
                "Hello {name}, you're right: the cancellation was received on time and the charge should "
                "not have happened. I'm sorry we took money you didn't owe, and I understand how "
                "worrying that is. I've refunded the {amount} today and confirmed the account is closed, "
                "so there will be no further payments.\n{agent}",
            ),
        ],
        priority="high",
        tags=["refund", "cancellation", "billing"],
        mood="frustrated",
    ),
    # --- angry --------------------------------------------------------------------------------
    Conversation(
        "UNACCEPTABLE - device dead after 2 days",
        "Support",
        [
            (
                "customer",
                "The {product} died after TWO DAYS. Won't turn on, nothing. I paid {amount} for this!!! "
                "I want a replacement sent TODAY, not some form to fill in. {name}",
            ),
            (
                "agent",
                "Hi {name}, I completely understand. I'm sorry the {product} died after two days; that "
                "is not acceptable. I've skipped the form: a replacement is going out by express today, "
                "with a return label for the broken one in the box. You'll get the tracking number by "
                "email within the hour.\n{agent}",
            ),
            ("customer", "Fine. It arrived and works. Thank you."),
        ],
        priority="urgent",
        tags=["replacement", "damaged"],
        mood="angry",
    ),
    Conversation(
        "I want to speak to a manager",
        "Support",
        [
            (
                "customer",
                "I have been passed around FOUR times about my {product}. Nobody reads what I write. I want "
                "to speak to a manager. Not another agent. A MANAGER. {name}",
            ),
            (
                "lead",
                "Hello {name},\n\nI'm {lead}, I lead the support team here. I've read the whole thread and "
                "you are right: you explained the problem clearly the first time and we made you repeat "
                "it. I'm sorry we passed you around four times, and I understand how exhausting that has "
                "been. I'm taking this ticket myself. The fault is a known issue with this batch of the "
                "{product}; a new unit goes out today and I'll call you on {day} to make sure everything "
                "works.\n\n{lead}",
            ),
            ("customer", "Thank you. That's all I wanted, someone to actually take responsibility."),
            (
                "lead",
                "The new unit was delivered this morning according to the carrier. I'll still call you on "
                "{day} as promised.\n{lead}",
            ),
        ],
        priority="urgent",
        tags=["escalated", "complaint"],
        mood="angry",
    ),
    Conversation(
        "WHY IS MY INTERNET STILL DOWN",
        "Network",
        [
            (
                "customer",
                "MY INTERNET HAS BEEN DOWN SINCE YESTERDAY MORNING. I RUN A BUSINESS FROM HOME. NOBODY "
                "TELLS ME ANYTHING!!! How hard is it to give an update???",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry you've been without internet since yesterday with nobody telling "
                "you why; I understand how serious that is when you work from home. There is a fibre cut "
                "affecting part of {city}; engineers are on site and expect to restore service by 18:00 "
                "today. I'll write to you at 18:00 either way.\n{agent}",
            ),
            (
                "agent",
                "Hi {name}, as promised: the fibre was repaired at 17:20 and your line has been back up "
                "since. I'm sorry again for the lost working day; I know how much it cost you. I've "
                "credited three days of service to your account for the disruption.\n{agent}",
            ),
            ("customer", "ok it's back. thanks for the update."),
        ],
        priority="urgent",
        tags=["outage", "business"],
        mood="angry",
    ),
    Conversation(
        "Worst customer service ever",
        "Support",
        [
            (
                "customer",
                "Honestly the worst service I've ever had. I've waited 40 minutes on the phone twice and "
                "got cut off both times. Your website chat just sends me in circles. Fix my {product} or refund me. "
                "{name}",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry you were cut off twice after waiting that long; I understand how "
                "infuriating that is, and it shouldn't have happened. I can do either: send a "
                "replacement today, or refund the full {amount}. Which would you prefer? Reply with one "
                "word so I can arrange it today.\n{agent}",
            ),
            ("customer", "Refund. I'm done with this thing."),
            (
                "agent",
                "I understand, and I'm sorry the {product} let you down. I've refunded {amount} to your "
                "card; it will show within 5 working days. No need to send the device back.\n{agent}",
            ),
        ],
        priority="high",
        tags=["refund", "complaint"],
        mood="angry",
    ),
    Conversation(
        "You charged me THREE times",
        "Billing",
        [
            (
                "customer",
                "You have charged my card THREE TIMES for the same order {order}!!! That's {amount} x3. "
                "I'm overdrawn because of you. Refund it NOW.",
            ),
            (
                "agent",
                "Hello {name}, I'm very sorry our payment error charged your card three times and left "
                "you overdrawn; I understand how stressful that is. I've refunded the two extra charges "
                "and sent you a letter you can give your bank to have any overdraft fees reversed. Send "
                "me any fee they won't reverse, and I'll refund it within 2 working days.\n{agent}",
            ),
            (
                "note",
                "Payment provider retried a timed-out capture twice. Engineering ticket opened for idempotency "
                "on retries.",
            ),
        ],
        priority="urgent",
        tags=["refund", "duplicate-charge", "billing"],
        mood="angry",
    ),
    Conversation(
        "Engineer never showed up",
        "Network",
        [
            (
                "customer",
                "I took a day off work for your installation visit. NOBODY CAME. No call, no text. This is "
                "a joke. I want compensation for my lost day. {name}",
            ),
            (
                "agent",
                "Hi {name}, you're right to be angry. You took a day off and we didn't turn up or tell "
                "you. I'm sorry we wasted your day, and I understand how frustrating that is. The visit "
                "was cancelled in our system without anyone notifying you. I've booked the first slot on "
                "{day} at 8:00 with a confirmed engineer, and added a credit of {amount} for your lost "
                "day.\n{agent}",
            ),
            ("customer", "He came this time. Fine."),
        ],
        priority="high",
        tags=["complaint", "setup"],
        mood="angry",
    ),
    # --- the agent's mistake, and the recovery ------------------------------------------------
    Conversation(
        "Refund amount is wrong",
        "Billing",
        [
            (
                "customer",
                "Hi, I returned two items from order {order} but the refund was only for one of them. "
                "Can you check? {name}",
            ),
            (
                "agent",
                "Hi {name}, I checked and the refund was correct: the second item was outside the 30-day "
                "return window, so it isn't eligible. If your receipt shows other dates, please send it "
                "to me and I'll look again today. {agent}",
            ),
            (
                "customer",
                "That's not right. I bought both on the same day and sent them back together. The receipt "
                "shows it. Please look again.",
            ),
            (
                "agent",
                "Hi {name}, you're right and I was wrong. I looked at the date of an older order by "
                "mistake. I'm sorry for telling you something incorrect, and I understand how annoying "
                "it is to argue for a refund you were owed. Both items were returned in time; I've "
                "refunded the second one ({amount}) just now, and it will reach your card by {day}. I'll "
                "check on {day} that it has arrived.\n{agent}",
            ),
            (
                "note",
                "My mistake: read the date from the customer's previous order. Refunded the second item; "
                "follow-up set for {day}.",
            ),
            ("customer", "Thanks for owning it. Appreciated."),
        ],
        priority="high",
        tags=["refund", "mistake"],
        mood="frustrated",
    ),
    Conversation(
        "Wrong setting advice broke my connection",
        "Network",
        [
            (
                "customer",
                "Your colleague told me to turn off 'bridge mode' on my {product} and now nothing in the "
                "house connects at all. What now?",
            ),
            (
                "agent",
                "Hi {name}, that advice was wrong for your setup, and I'm sorry it left your whole house "
                "offline. It's our mistake, not yours, and I understand how stressful that is. Please "
                "turn bridge mode back on (Settings > Advanced > Mode) and restart the router. I'll "
                "check with you within two hours that it's working.\n{agent}",
            ),
            ("customer", "Back on and working. Bit of a scare though."),
            (
                "agent",
                "Glad it's back. We've corrected the internal guide so no one gives that advice again.\n"
                "{agent}",
            ),
        ],
        priority="high",
        tags=["mistake", "wifi"],
        mood="frustrated",
    ),
    # --- thank-yous ---------------------------------------------------------------------------
    Conversation(
        "Thank you!",
        "Support",
        [
            (
                "customer",
                "Just wanted to say thank you to {agent}, who helped me set up the {product} last week. "
                "So patient with me. Please pass it on! {name}",
            ),
            (
                "agent",
                "Thank you so much, {name}, this made our day! I've passed your message to {agent}'s team "
                "lead. {agent}",
            ),
        ],
        priority="low",
        tags=["feedback"],
        channel="web",
        mood="grateful",
    ),
    Conversation(
        "Great service",
        "Support",
        [
            (
                "customer",
                "Hi, your colleague sorted out my problem in five minutes after I'd struggled for a week. "
                "Five stars. {name}",
            ),
            (
                "agent",
                "Thanks {name}, lovely to hear. I've passed your words on to the colleague who helped "
                "you. Enjoy the {product}! {agent}",
            ),
        ],
        priority="low",
        tags=["feedback"],
        mood="grateful",
    ),
    # --- more everyday work -------------------------------------------------------------------
    Conversation(
        "{product} arrived damaged",
        "Support",
        [
            (
                "customer",
                "Hello, the box was crushed on one side and the {product} has a cracked corner. Photos "
                "attached to my account. Order {order}. {name}",
            ),
            (
                "agent",
                "Hello {name}, I'm sorry it arrived damaged. I've ordered a replacement, which ships "
                "today; no need to return the damaged one. {agent}",
            ),
        ],
        tags=["damaged", "replacement"],
        channel="web",
    ),
    Conversation(
        "Password reset email not arriving",
        "Support",
        [
            (
                "customer",
                "I've asked for a password reset five times and nothing arrives. Checked spam. {name}",
            ),
            (
                "agent",
                "Hi {name}, our emails to your address were bouncing because of a typo in the domain on your "
                "account. I've corrected it and sent a fresh reset link. {agent}",
            ),
            ("customer", "Got it now, thanks."),
        ],
        tags=["login", "password"],
        channel="web",
    ),
    Conversation(
        "Firmware update failed",
        "Engineering",
        [
            (
                "customer",
                "The {product} tried to update overnight and now it's stuck on a blinking white light. "
                "{name}",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry the update left it stuck. Please hold the reset button for 30 "
                "seconds; it will go back to the previous firmware. Engineering is looking at the failed "
                "update, and I'll write to you by {day} with news of a fixed version.\n{agent}",
            ),
            (
                "note",
                "Third report today of update 4.2.1 failing on the {product}. Asked Engineering to pause the "
                "rollout.",
            ),
            ("customer", "Reset worked, it's back to normal."),
        ],
        priority="high",
        tags=["firmware", "bug"],
    ),
    Conversation(
        "Bulk order for our office",
        "Billing",
        [
            (
                "customer",
                "Hello, we'd like 25 units of the {product} for our office in {city}. Is there a volume "
                "price and can we pay by invoice? Best, {name}",
            ),
            (
                "agent",
                "Hello {name}, yes to both: from 20 units the price drops by 12%, and business customers can "
                "pay within 30 days of the invoice. I've sent a quote to your email. {agent}",
            ),
            ("customer", "Quote approved, please go ahead."),
        ],
        tags=["business", "invoice"],
    ),
    Conversation(
        "Cancel my order please",
        "Support",
        [
            ("customer", "Please cancel order {order}, I ordered the wrong colour. {name}"),
            (
                "agent",
                "Hi {name}, I've cancelled order {order}. You haven't been charged, only a temporary "
                "hold on your card which disappears in a few days. {agent}",
            ),
        ],
        priority="low",
        tags=["cancellation"],
        channel="web",
    ),
    Conversation(
        "Camera not recording at night",
        "Engineering",
        [
            (
                "customer",
                "My {product} stops recording after dark. Motion alerts come through but the clips are "
                "empty. {name}",
            ),
            (
                "agent",
                "Hi {name}, thanks for the detail; it helps. This looks like a bug in night mode that "
                "Engineering is fixing. As a workaround, set Night vision to 'Always on' in the app. "
                "I'll update you by {day} on when the fix will be released.\n{agent}",
            ),
            ("customer", "Workaround does the job for now. Let me know about the fix."),
        ],
        tags=["bug", "app"],
    ),
    Conversation(
        "Gift card not accepted",
        "Billing",
        [
            ("customer", "The gift card my sister gave me says 'already used' but I haven't used it! {name}"),
            (
                "agent",
                "Hi {name}, I checked the card: it was activated twice at the till, which marked it as spent. "
                "I've issued a new card for the full {amount} to your email. {agent}",
            ),
        ],
        tags=["gift-card"],
        channel="web",
    ),
    Conversation(
        "Newsletter every day",
        "Marketing",
        [
            (
                "customer",
                "Why am I getting your newsletter every single day? I signed up for monthly. Please stop. "
                "{name}",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry about the flood of daily emails; I understand how annoying that "
                "is. A settings change sent daily emails to some monthly subscribers. I've set you back "
                "to monthly, and the fault has been fixed for everyone. {agent}",
            ),
        ],
        priority="low",
        tags=["complaint"],
        mood="frustrated",
    ),
    Conversation(
        "Moving house - transfer service",
        "Network",
        [
            (
                "customer",
                "We're moving to {city} at the end of the month. Can our service move with us without a "
                "gap? {name}",
            ),
            (
                "agent",
                "Hi {name}, yes. I've booked the transfer for the day you move, so the old line stops and "
                "the new one starts the same morning. An engineer visit isn't needed at the new address. {agent}",
            ),
            ("customer", "Perfect, thanks for making it easy."),
        ],
        priority="low",
        tags=["address-change"],
        channel="phone",
    ),
    Conversation(
        "Can't pair the {product}",
        "Support",
        [
            (
                "customer",
                "I've been trying to pair the {product} for an hour. The app finds it and then says "
                "'pairing failed'. What am I doing wrong?? {name}",
            ),
            (
                "agent",
                "Hi {name}, I'm sorry you spent an hour on this; I understand how frustrating that is. "
                "You're not doing anything wrong: the app needs location permission to finish pairing, "
                "which isn't obvious. Could you allow it in your phone's settings and try once more? "
                "That way the app can finish pairing.\n{agent}",
            ),
            ("customer", "That was it. Paired. Thanks."),
        ],
        tags=["setup", "app"],
        channel="web",
        mood="frustrated",
    ),
    Conversation(
        "Student discount",
        "Billing",
        [
            (
                "customer",
                "Hi, do you offer a student discount on the {plan} plan? I start university in {city} in "
                "September. {name}",
            ),
            (
                "agent",
                "Hi {name}, yes: 25% off with a valid student email. I've sent you a link to verify it, and "
                "the discount applies from your next bill. Good luck with your studies! {agent}",
            ),
        ],
        priority="low",
        tags=["student", "discount"],
        channel="web",
    ),
]

ANGRY_FOLLOW_UPS = [
    "Any news? It's been days.",
    "Hello?? Is anyone reading these?",
    "I'm still waiting for an answer on this.",
]

FIRST_NAMES = [
    "Maria",
    "James",
    "Aisha",
    "Chen",
    "Olga",
    "Pedro",
    "Fatima",
    "Liam",
    "Sofia",
    "Kenji",
    "Amara",
    "Lucas",
    "Ingrid",
    "Ravi",
    "Chloe",
    "Tomasz",
    "Noor",
    "Diego",
    "Hanna",
    "Kwame",
    "Elena",
    "Yusuf",
    "Grace",
    "Mateo",
    "Priyanka",
    "Oskar",
    "Leila",
    "Jonas",
    "Mei",
    "Samuel",
]
LAST_NAMES = [
    "Lopez",
    "Smith",
    "Khan",
    "Wang",
    "Ivanova",
    "Silva",
    "Haddad",
    "Murphy",
    "Rossi",
    "Tanaka",
    "Okafor",
    "Martin",
    "Berg",
    "Patel",
    "Dubois",
    "Nowak",
    "Rahman",
    "Garcia",
    "Virtanen",
    "Mensah",
    "Popescu",
    "Demir",
    "Kim",
    "Fernandez",
    "Iyer",
    "Lindqvist",
    "Moradi",
    "Weber",
    "Zhang",
    "Adeyemi",
]
ORGANIZATIONS = [  # name, email domain, tier
    ("Brightside Bakery", "brightside-bakery.example", "standard"),
    ("Northwind Logistics", "northwind-logistics.example", "enterprise"),
    ("Harbor Dental Clinic", "harbor-dental.example", "premium"),
    ("Pinecrest School", "pinecrest-school.example", "standard"),
    ("Lumen Architects", "lumen-architects.example", "premium"),
    ("Kettle & Co", "kettle-co.example", "standard"),
]
FREE_MAIL_DOMAINS = ["example.com", "example.net", "example.org"]


# The mistakes the demo's agents log when their conversation admits one (tags "mistake"):
# category, what happened, the impact on the customer, and why it made sense at the time.
MISTAKES = {
    "Refund amount is wrong": (
        "billing_error",
        "Told the customer the second item was outside the return window; it was not.",
        "The customer had to argue for a refund they were owed and waited longer for it.",
        "The order list showed an older order first and its date looked like this one's.",
    ),
    "Wrong setting advice broke my connection": (
        "wrong_information",
        "Advised turning off bridge mode on a setup that needs it.",
        "The customer's whole house was offline until they turned it back on.",
        "The internal guide recommended it for this router without saying which setups it breaks.",
    ),
}

# What customers write beside a rating: kind words for good ones, reasons for bad ones.
GOOD_COMMENTS = [
    "Quick and friendly, thank you!",
    "{agent} sorted it in one go. Great service.",
    "Clear answer, no runaround. Appreciated.",
    "Thanks for owning the problem and fixing it.",
    "Really helpful, and kept me posted the whole time.",
]
BAD_COMMENTS = [
    "Took far too long to get an answer.",
    "I had to explain the same thing twice.",
    "Fixed in the end, but only after I chased it.",
]

# A solved ticket that comes back, and the agent's answer (no promise: it is done).
REOPENED = [
    "Hi again, sorry, but it's happening again since this morning. {name}",
    "It worked for a day and now it's back to how it was. Can you look again?",
]
REOPENED_ANSWER = (
    "Hi {name}, I'm sorry it came back, and I understand how annoying that is after we thought it "
    "was fixed. I found a second setting that undid the first change, corrected it and checked that "
    "it stays working. Reply here if you see it again.\n{agent}"
)
