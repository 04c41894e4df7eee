import axios from 'axios';

/** The payment service provider's REST API. */
const psp = axios.create({
  baseURL: process.env.PSP_URL,
  timeout: 3_000,
  headers: { Authorization: `Bearer ${process.env.PSP_API_KEY}` },
});

export interface ChargeRequest {
  orderId: string;
  paymentMethodId: string;
  amountCents: number;
  currency: string;
}

export interface Charge {
  id: string;
  status: 'succeeded' | 'declined';
}

export async function chargeCard(req: ChargeRequest, correlationId?: string): Promise<Charge> {
  const { data } = await psp.post<Charge>(
    '/v1/charges',
    {
      amount: req.amountCents,
      currency: req.currency.toLowerCase(),
      payment_method: req.paymentMethodId,
      metadata: { order_id: req.orderId },
    },
    { headers: { 'x-correlation-id': correlationId } },
  );
  return data;
}

/** Compensation for chargeCard (checkout-saga step charge-payment). */
export async function refundCharge(chargeId: string, idempotencyKey: string, correlationId?: string): Promise<void> {
  await psp.post(
    '/v1/refunds',
    { charge: chargeId },
    { headers: { 'Idempotency-Key': idempotencyKey, 'x-correlation-id': correlationId } },
  );
}
