from django.views.defaults import page_not_found as _page_not_found
from django.views.defaults import server_error as _server_error
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "articles/home.html"


def page_not_found(request, exception):
    return _page_not_found(request, exception)


def server_error(request):
    return _server_error(request)
