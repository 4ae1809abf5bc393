"""Pages of policies (政策直达): the list and each policy for every reader of the brain; the form, preview,
publish, withdraw and every decision for operators; a member's own decision explained field by field. Thin: forms
in, brain.services.policies acts, brain.selectors.policies reads."""

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brain.forms.policies import PolicyForm, PolicyWithdrawForm, rule_formset
from brain.models import PolicyMatch
from brain.selectors.policies import (
    match_explanation, own_matches, policy_counts, policy_list, policy_match_list, preview_view, rule_texts,
)
from brain.services.policies import (
    policy_create, policy_delete, policy_preview, policy_publish, policy_rematch_request, policy_update,
    policy_withdraw,
)
from tenants.errors import DomainError
from tenants.views.base import BrainView


class PoliciesView(BrainView):
    def get(self, request, brain_slug):
        policies = list(policy_list(brain=self.brain, viewer=self.access)[:200])
        ids = [p.pk for p in policies]
        counts = (policy_counts(brain=self.brain, policy_ids=ids)
                  if self.access.is_operator or self.access.staff_role else {})
        own = own_matches(brain=self.brain, viewer=self.access, policy_ids=ids)
        return render(request, "brain/policies/list.html", {
            "rows": [(p, counts.get(p.pk), own.get(p.pk)) for p in policies]})


class PolicyFormView(BrainView):
    """New policy, or a change of one: the form, its rule rows, and "preview" to see what the rules decide now."""

    operators_only = True

    def policy(self, pk):
        if pk is None:
            return None
        return get_object_or_404(policy_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk=None):
        policy = self.policy(pk)
        return self.page(policy, PolicyForm.for_policy(policy) if policy else PolicyForm(), rule_formset(policy))

    def post(self, request, brain_slug, pk=None):
        policy = self.policy(pk)
        form, rules = PolicyForm(request.POST), rule_formset(policy, request.POST)
        action = request.POST.get("action", "save")
        handlers = {"save": self._save, "preview": self._preview}
        if action not in handlers:
            raise Http404
        if not rules.is_valid():
            return self.page(policy, form, rules, status=400)
        rule_list = [rule for rule in (f.rule() for f in rules.forms) if rule]
        return handlers[action](policy, form, rules, rule_list)

    def _save(self, policy, form, rules, rule_list):
        if not form.is_valid():
            return self.page(policy, form, rules, status=400)
        try:
            if policy is None:
                policy = policy_create(brain=self.brain, by=self.request.user, rules=rule_list,
                                       **form.cleaned_data)
            else:
                policy = policy_update(policy=policy, by=self.request.user, rules=rule_list,
                                       **form.cleaned_data)
        except DomainError as error:
            self._error(form, error)
            return self.page(policy, form, rules, status=400)
        messages.success(self.request, _("Policy saved: %(title)s") % {"title": policy.title})
        return HttpResponseRedirect(reverse("policy", args=[self.brain.slug, policy.pk]))

    def _preview(self, policy, form, rules, rule_list):
        form.is_valid()  # shows the form's own errors, if any, beside the preview
        try:
            preview = policy_preview(brain=self.brain, by=self.request.user, rules=rule_list)
        except DomainError as error:
            self._error(form, error)
            return self.page(policy, form, rules, status=400)
        return self.page(policy, form, rules, preview=preview_view(preview))

    @staticmethod
    def _error(form, error: DomainError) -> None:
        field = error.field if error.field in form.fields else None
        if error.field == "rules":
            form.rule_error = error.detail
        else:
            form.add_error(field, error.detail)

    def page(self, policy, form, rules, status=200, preview=None):
        return render(self.request, "brain/policies/form.html", {
            "policy": policy, "form": form, "rules": rules, "preview": preview,
            "rule_error": getattr(form, "rule_error", "")}, status=status)


class PolicyView(BrainView):
    """One policy: its text and rules; a member's own decision explained; for operators the counts, the actions
    and every decision."""

    def get(self, request, brain_slug, pk):
        policy = get_object_or_404(policy_list(brain=self.brain, viewer=self.access), pk=pk)
        return self.page(policy, PolicyWithdrawForm())

    def page(self, policy, withdraw_form, status=200):
        context = {"policy": policy, "rules": rule_texts(policy), "withdraw_form": withdraw_form}
        own = own_matches(brain=self.brain, viewer=self.access, policy_ids=[policy.pk])
        if policy.pk in own:
            context["own"] = own[policy.pk]
            context["checks"] = match_explanation(own[policy.pk])
        if self.access.is_operator or self.access.staff_role:
            context["counts"] = policy_counts(brain=self.brain, policy_ids=[policy.pk])[policy.pk]
        if self.access.is_operator:
            outcome = self.request.GET.get("outcome", "")
            outcome = outcome if outcome in PolicyMatch.Outcome.values else ""
            context["outcome"], context["outcomes"] = outcome, PolicyMatch.Outcome.choices
            context["matches"] = policy_match_list(
                brain=self.brain, viewer=self.access, policy_id=policy.pk, outcome=outcome or None)[:500]
        return render(self.request, "brain/policies/detail.html", context, status=status)

    def post(self, request, brain_slug, pk):
        if not self.access.is_operator:
            raise Http404
        policy = get_object_or_404(policy_list(brain=self.brain, viewer=self.access), pk=pk)
        action = request.POST.get("action", "")
        handlers = {"publish": self._publish, "withdraw": self._withdraw, "rematch": self._rematch,
                    "delete": self._delete}
        if action not in handlers:
            raise Http404
        return handlers[action](policy)

    def _done(self, policy, message):
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse("policy", args=[self.brain.slug, policy.pk]))

    def _publish(self, policy):
        try:
            policy_publish(policy=policy, by=self.request.user)
        except DomainError as error:
            messages.error(self.request, error.detail)
            return HttpResponseRedirect(self.request.path)
        return self._done(policy, _("Published: every active member is being matched; the eligible ones will be "
                                    "told."))

    def _withdraw(self, policy):
        form = PolicyWithdrawForm(self.request.POST)
        if not form.is_valid():
            return self.page(policy, form, status=400)
        try:
            policy_withdraw(policy=policy, by=self.request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.detail)
            return self.page(policy, form, status=400)
        return self._done(policy, _("Withdrawn: the enterprises told of it are told."))

    def _delete(self, policy):
        try:
            policy_delete(policy=policy, by=self.request.user)
        except DomainError as error:
            messages.error(self.request, error.detail)
            return HttpResponseRedirect(self.request.path)
        messages.success(self.request, _("Draft deleted: %(title)s") % {"title": policy.title})
        return HttpResponseRedirect(reverse("policies", args=[self.brain.slug]))

    def _rematch(self, policy):
        try:
            policy_rematch_request(policy=policy, by=self.request.user)
        except DomainError as error:
            messages.error(self.request, error.detail)
            return HttpResponseRedirect(self.request.path)
        return self._done(policy, _("Matching again: the counts change as the workers decide."))


class PolicyDecisionView(BrainView):
    """One enterprise's decision on one policy, field by field: for operators, and for the enterprise itself."""

    def get(self, request, brain_slug, pk, enterprise_id):
        match = get_object_or_404(policy_match_list(
            brain=self.brain, viewer=self.access, policy_id=pk), enterprise_id=enterprise_id)
        return render(request, "brain/policies/decision.html", {
            "match": match, "policy": match.policy, "checks": match_explanation(match)})


class PolicyDecisionsCsvView(BrainView):
    """The decisions as a spreadsheet (UTF-8 with a BOM, so Excel reads the Chinese), for operators to hand a
    department its list of eligible enterprises: one row per enterprise, one column per rule with what its file
    held. Filtered by outcome like the page."""

    operators_only = True

    def get(self, request, brain_slug, pk):
        policy = get_object_or_404(policy_list(brain=self.brain, viewer=self.access), pk=pk)
        outcome = request.GET.get("outcome", "")
        matches = policy_match_list(brain=self.brain, viewer=self.access, policy_id=policy.pk,
                                    outcome=outcome if outcome in PolicyMatch.Outcome.values else None)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="policy-{policy.pk}-decisions.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Enterprise"), _("Unified social credit code"), _("Outcome"), _("Decided at"),
                         _("Told at"), *rule_texts(policy)])
        for match in matches.iterator(chunk_size=500):
            found = {check.requirement: f"{check.found} [{check.outcome_label}]"
                     for check in match_explanation(match)}
            writer.writerow([match.enterprise.legal_name, match.enterprise.credit_code, match.get_outcome_display(),
                             f"{timezone.localtime(match.evaluated_at):%Y-%m-%d %H:%M}",
                             f"{timezone.localtime(match.notified_at):%Y-%m-%d %H:%M}" if match.notified_at else "",
                             *(found.get(rule, "") for rule in rule_texts(policy))])
        return response
