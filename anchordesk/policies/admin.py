"""Nothing here is edited in the Django admin: policies, decisions and exceptions change only
through the app (versioned and audited), and authority limits on their own page
(/policies/limits), which validates them and audits every change."""
