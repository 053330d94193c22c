"""Public pages."""

from django.shortcuts import render

from .models import Exchange


def home(request):
    """Until the public catalog exists: the published exchanges, soonest first."""
    exchanges = (
        Exchange.objects.public()
        .with_state()
        .select_related("host")
        .order_by("starts_on", "title")
    )
    return render(request, "cooperation/home.html", {"exchanges": exchanges})
