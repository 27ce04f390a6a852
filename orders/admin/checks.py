"""The same-origin JSON endpoint behind the live warnings of the dispatch forms.

The rules stay in one home (orders.status_fields): the browser sends what is typed so far and
shows what comes back, so "Processar pedido" and "Corrigir dados do despacho" warn while the
lojista types, in the very words the save would use.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.permissions import may_open_processing
from orders.status_fields import DISPATCH_FIELDS, dispatch_checks

# A pasted XML larger than this is not checked live, as if still empty (the save still reads
# it, up to 1 MB).
MAX_LIVE_FIELD_CHARS = 200_000


@require_POST
def check_dispatch_view(request: HttpRequest) -> JsonResponse:
    if not may_open_processing(request.user):
        body = {"error": "permission_denied", "detail": _("Sem permissão para processar pedidos.")}
        return JsonResponse(body, status=403)
    data = {name: request.POST.get(name, "") for name in DISPATCH_FIELDS}
    data = {name: v if len(v) <= MAX_LIVE_FIELD_CHARS else "" for name, v in data.items()}
    return JsonResponse(dispatch_checks(data))
