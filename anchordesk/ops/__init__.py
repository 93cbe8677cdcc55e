"""Operations: what operators look at to run Anchordesk (Prometheus metrics, the background-jobs page).

An app at the top of the layers: it reads every app's tables and nothing imports it.
"""
