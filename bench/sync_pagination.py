"""Reading a large list to the end: numbered pages (OFFSET) against the sync cursor (keyset), side by side.

20,000 parts of one project, 200 a page, through the API's own paginator and the parts selector: the time of
the first and the last page each way, and of a whole traversal. Run:

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/sync_pagination.py
"""


from _support import django_setup, machine, make_brain, measure, scratch_database, spread

PARTS, PAGE = 20_000, 200


def main() -> None:
    django_setup()
    from django.db import connection
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from capacity.models import Part, Project
    from capacity.selectors.projects import part_list
    from tenants.access import brain_access
    from tenants.api.pagination import PagePagination
    from tenants.context import brain_context

    with scratch_database("sync_pagination"):
        print(machine())
        brain, user = make_brain("bench-sync", ["CNC"])
        with brain_context(brain.pk):
            project = Project.objects.create(brain=brain, buyer_id=user.enterprise_id, code="B-1", name="基准模具",
                                             created_by=user)
            Part.objects.bulk_create([Part(brain=brain, project=project, part_no=f"P-{n:05d}", name=f"零件{n}",
                                           quantity=1) for n in range(PARTS)], batch_size=5000)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE capacity_part")
        factory = APIRequestFactory()

        def page(params):
            with brain_context(brain.pk):
                paginator = PagePagination()
                request = Request(factory.get("/parts/", params))
                rows = paginator.paginate_queryset(part_list(brain=brain, viewer=brain_access(user=user, brain=brain)),
                                                   request)
                return paginator, [r.pk for r in rows]

        last_page = PARTS // PAGE
        cursor_before_last = {}

        def walk_cursor():
            params, seen = {"cursor": "", "page_size": PAGE}, 0
            while True:
                paginator, rows = page(params)
                seen += len(rows)
                if not paginator.has_next:
                    return seen
                link = paginator.next_cursor_link()
                params = {"cursor": link.split("cursor=")[1].split("&")[0], "page_size": PAGE}
                if seen == PARTS - PAGE:
                    cursor_before_last["params"] = dict(params)

        def walk_pages():
            seen = 0
            for number in range(1, last_page + 1):
                seen += len(page({"page": number, "page_size": PAGE})[1])
            return seen

        assert walk_cursor() == PARTS and walk_pages() == PARTS
        rows = [
            ("first page, numbered", measure(lambda: page({"page": 1, "page_size": PAGE}), runs=9)),
            ("first page, cursor", measure(lambda: page({"cursor": "", "page_size": PAGE}), runs=9)),
            (f"last page ({last_page}), numbered", measure(lambda: page({"page": last_page, "page_size": PAGE}), runs=9)),
            ("last page, cursor", measure(lambda: page(cursor_before_last["params"]), runs=9)),
            (f"all {last_page} pages, numbered", measure(walk_pages, runs=3)),
            (f"all {last_page} pages, cursor", measure(walk_cursor, runs=3)),
        ]
        for name, times in rows:
            print(f"{name:32} {spread(times)}")
        by_name = {name: times for name, times in rows}
        from statistics import median

        print(f"last page numbered / cursor: {median(by_name[f'last page ({last_page}), numbered']) / median(by_name['last page, cursor']):.1f}×")
        print(f"whole traversal numbered / cursor: {median(by_name[f'all {last_page} pages, numbered']) / median(by_name[f'all {last_page} pages, cursor']):.2f}×")


if __name__ == "__main__":
    main()
