"""Reads of the supply chain, one module per concept, shared by pages, API, tasks, live updates and webhooks: the
one place that decides who sees what. Visibility selectors are `<concept>_list(*, brain, viewer)`."""
