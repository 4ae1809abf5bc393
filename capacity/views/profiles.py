"""Web pages of supplier capability: a supplier's own profile, and the brain's capacity map."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from capacity.api.filters.profiles import SupplierProfileFilter
from capacity.forms.profiles import CapacityFormSet, MachineFormSet, ProfileForm
from capacity.models import Machine, SupplierCapacity
from capacity.selectors.profiles import own_supplier_profile, supplier_profile_list
from capacity.services import profiles
from tenants.errors import DomainError, form_error
from tenants.selectors.brains import process_list
from tenants.views.base import BrainView


class ProfileView(BrainView):
    """The supplier's capability profile: processes with free hours, machines, materials."""

    member_role = "supplier"

    def get(self, request, brain_slug):
        profile = own_supplier_profile(brain=self.brain, enterprise_id=self.access.enterprise_id)
        processes = list(process_list(brain=self.brain, viewer=self.access))
        initial = {"summary": profile.summary, "materials": ", ".join(profile.materials),
                   "certifications": ", ".join(profile.certifications)} if profile else {}
        capacities = [{"process": c.process.code, "weekly_free_hours": c.weekly_free_hours}
                      for c in SupplierCapacity.objects.in_brain(self.brain).filter(profile=profile)
                      .select_related("process")] if profile else []
        machines = [{**{f: getattr(m, f) for f in ("machine_type", "brand", "model", "count", "envelope_x_mm",
                                                   "envelope_y_mm", "envelope_z_mm", "max_weight_kg",
                                                   "tolerance_mm")}, "process": m.process.code}
                    for m in Machine.objects.in_brain(self.brain).filter(profile=profile).select_related("process")
                    ] if profile else []
        return self._render(ProfileForm(initial=initial),
                            CapacityFormSet(initial=capacities, prefix="cap",
                                                  form_kwargs={"processes": processes}),
                            MachineFormSet(initial=machines, prefix="mac", form_kwargs={"processes": processes}))

    def post(self, request, brain_slug):
        processes = list(process_list(brain=self.brain, viewer=self.access))
        form = ProfileForm(request.POST)
        capacity_set = CapacityFormSet(request.POST, prefix="cap", form_kwargs={"processes": processes})
        machine_set = MachineFormSet(request.POST, prefix="mac", form_kwargs={"processes": processes})
        if form.is_valid() and capacity_set.is_valid() and machine_set.is_valid():
            kept = lambda formset: [f.cleaned_data for f in formset.forms  # noqa: E731
                                    if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                profiles.profile_save(
                    brain=self.brain, by=request.user, **form.cleaned_data,
                    capacities=[{k: v for k, v in c.items() if k != "DELETE"} for c in kept(capacity_set)],
                    machines=[{k: v for k, v in m.items() if k != "DELETE"} for m in kept(machine_set)],
                )
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Profile saved."))
                return HttpResponseRedirect(request.path)
        return self._render(form, capacity_set, machine_set, status=400)

    def _render(self, form, capacity_set, machine_set, status=200):
        return render(self.request, "capacity/profiles/profile.html",
                      {"form": form, "capacity_set": capacity_set, "machine_set": machine_set}, status=status)


class SupplierDirectoryView(BrainView):
    """The cluster's capacity map: every supplier's processes, free hours, machines and materials."""

    def get(self, request, brain_slug):
        found = SupplierProfileFilter(request.GET, queryset=supplier_profile_list(brain=self.brain, viewer=self.access))
        return render(request, "capacity/profiles/suppliers.html", {
            "filter": found, "profiles": found.qs.distinct() if found.is_valid() else [],
            "processes": list(process_list(brain=self.brain, viewer=self.access)),
        })
