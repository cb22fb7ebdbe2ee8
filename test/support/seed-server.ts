/**
 * The "server under test" the seed's chains call with `{{base_url}}`: routes for orders,
 * payments, events and payment callbacks, answering with ids and statuses the seed extracts.
 * `paymentStatus` is what POST /api/payments answers (04 wants `succeeded`, 08 `processing`).
 */
export function seedRoutes(paymentStatus = "succeeded"): string {
  return `
  - path: /api/orders
    method: POST
    response: { status: 201, body: { id: "ord_1", status: created, total: 59.98 } }
  - path: /api/payments
    method: POST
    response: { status: 201, body: { id: "pay_1", status: ${paymentStatus}, amount: "{{request.body.amount}}" } }
  - path: /api/payments/:id/callback
    method: POST
    response: { status: 200, body: { ok: true, payment: "{{request.params.id}}" } }
  - path: /api/events
    method: POST
    response: { status: 201, body: { id: "evt_1" } }
`;
}
