"""The enterprise file (一企一档) page."""

from django.http import Http404
from django.shortcuts import render

from brain.selectors import enterprise_files
from tenants.views.base import BrainView


class EnterpriseFileView(BrainView):
    """The enterprise file (一企一档): registry facts with their provenance, tax credit, patents, platform facts in
    this brain and tags with why. All of it for the enterprise itself and operators, the public part for other
    members, 404 for anyone else."""

    def get(self, request, brain_slug, enterprise_id):
        try:
            file = enterprise_files.enterprise_file(brain=self.brain, enterprise=enterprise_id, viewer=self.access)
        except enterprise_files.EnterpriseFileNotFound:
            raise Http404 from None
        return render(request, "brain/enterprise_files/detail.html", {"file": file})
