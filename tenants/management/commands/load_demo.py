import importlib

from django.apps import apps
from django.core.management.base import BaseCommand

from tenants import demo


class Command(BaseCommand):
    help = "Load the demo brains, enterprises and users (idempotent), then each app's own demo."

    def handle(self, *args, **options):
        loaded = demo.load()
        for config in apps.get_app_configs():
            if config.name == "tenants":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            module.load(brains=loaded["brains"], users=loaded["users"])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(loaded['brains'])} brains."))
