"""Forms for the agent's knowledge-base pages and the help center's 'was this helpful?'."""

from __future__ import annotations

from django import forms

from anchordesk.accounts.models import Organization
from anchordesk.kb.actions import MAX_BODY_CHARS, MAX_COMMENT_CHARS, ArticleData
from anchordesk.kb.choices import Language, Visibility
from anchordesk.kb.models import Category, Section


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.CharField(max_length=110, required=False, help_text="Made from the title when left empty.")
    section = forms.ModelChoiceField(queryset=Section.objects.select_related("category"))
    language = forms.ChoiceField(choices=Language.choices, initial=Language.EN)
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC)
    organization = forms.ModelChoiceField(queryset=Organization.objects.all(), required=False)
    tags = forms.CharField(max_length=300, required=False, help_text="Words, comma or space apart.")
    body_md = forms.CharField(
        label="Body (Markdown)",
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=MAX_BODY_CHARS,
        required=False,
    )

    def data_for_action(self) -> ArticleData:
        organization = self.cleaned_data.get("organization")
        return ArticleData(
            title=self.cleaned_data["title"],
            body_md=self.cleaned_data["body_md"],
            section_id=self.cleaned_data["section"].pk,
            slug=self.cleaned_data["slug"],
            tags=self.cleaned_data["tags"],
            visibility=self.cleaned_data["visibility"],
            organization_id=organization.pk if organization else None,
            language=self.cleaned_data["language"],
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", "Publish"), ("changes", "Send back for changes")])
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_COMMENT_CHARS, required=False
    )


class TranslateForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=120)
    slug = forms.CharField(max_length=80, required=False)
    description = forms.CharField(max_length=300, required=False)


class SectionForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all())
    name = forms.CharField(max_length=120)
    slug = forms.CharField(max_length=80, required=False)


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes")
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_COMMENT_CHARS, required=False
    )
