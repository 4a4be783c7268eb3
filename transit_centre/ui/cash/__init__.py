"""Cash grants: approval, disbursement and receipts, the cash book."""
from transit_centre.i18n import N_
from transit_centre.security.permissions import Permission
from transit_centre.ui.common.page import RETURN, PageSpec, allowed

CASH = PageSpec(
    "cash", N_("Cash"), "transit_centre.ui.cash.page:CashPage", allowed(Permission.CASH_READ),
    N_("Cash grants. To approve: grants planned by caseworkers (a manager approves). To disburse: approved "
       "grants; the cash officer pays them (cash in hand, or mobile money with its reference) and the "
       "receipt number is shown. The person who approved a grant cannot pay it. A wrong receipt is voided "
       "with a reason (manager) and reissued under a new number; the voided number stays in the cash "
       "book. The cash book shows the receipts of a period, totals by kind and month, and the "
       "reconciliation of approved, disbursed and outstanding amounts."),
    group=RETURN, badge="grants")
