"""SLA policies, business calendars and timers. `clock` is the pure deadline maths."""
