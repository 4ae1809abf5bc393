
app_name = "dataproducts"
# Pages under /b/<slug>/data/. One block per concept; each concept's views module adds its own paths.
urlpatterns: list = []

# --- products, revisions, consents (catalogue pages, revision pages, what my data fed) ---------------------

# --- access requests, subscriptions, downloads ----------------------------------------------------------

# --- usage and statements -------------------------------------------------------------------------------

# --- capability centre (components, listings, installations, ratings) -----------------------------------
