"""Every event type, for schema generation and tooling."""

from shared.contracts import events, master, process, production
from shared.contracts.envelope import Event

EVENT_TYPES: tuple[type[Event], ...] = (
    events.OrderPlaced,
    events.SubmissionRejected,
    events.ReviewCompleted,
    events.GoodsProduced,
    events.GoodsShipped,
    events.InvoiceIssued,
    events.PaymentReceived,
    events.PaymentUnmatched,
    events.OrderClosed,
    process.OrderHeld,
    process.FeasibilityRequested,
    process.FeasibilityAssessed,
    process.NegotiationOpened,
    process.ReviewEscalated,
    process.ConfirmationIssued,
    process.ConfirmationSigned,
    process.DepositRequested,
    process.OrderReleased,
    process.DeliveryRevised,
    production.MaterialsListed,
    production.ScheduleChanged,
    production.OrderDelayed,
    master.CustomerUpdated,
    master.ProductUpdated,
    master.BalanceUpdated,
)
