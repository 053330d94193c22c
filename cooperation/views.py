"""Public pages. Everything goes through the models' public() gates."""

from django.views.generic import DetailView, ListView, TemplateView

from .models import Agreement, Exchange, Institution


class HomeView(TemplateView):
    template_name = "cooperation/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exchanges"] = (
            Exchange.objects.public()
            .with_state()
            .select_related("host")
            .order_by("starts_on", "title")
        )
        return context


class ExchangeListView(ListView):
    queryset = Exchange.objects.public().select_related("host")
    paginate_by = 20


class ExchangeDetailView(DetailView):
    queryset = Exchange.objects.public().select_related("host")


class InstitutionListView(ListView):
    queryset = Institution.objects.public()
    paginate_by = 50


class InstitutionDetailView(DetailView):
    queryset = Institution.objects.public()


class AgreementListView(ListView):
    queryset = Agreement.objects.public()
    paginate_by = 50


class AgreementDetailView(DetailView):
    queryset = Agreement.objects.public()
