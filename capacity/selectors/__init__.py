"""Reads of capacity sharing, one module per concept, shared by pages, API, tasks and webhooks: the one place that
decides who sees what. Visibility selectors are `<concept>_list(*, brain, viewer)`."""
