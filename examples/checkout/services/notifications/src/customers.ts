import { createPool } from '@checkout/db';

export interface Customer {
  email: string;
  fullName: string;
}

// Contact details are read straight from the orders service's database.
const ordersDb = createPool(process.env.ORDERS_DATABASE_URL, 'notifications');

export async function findCustomer(customerId: string): Promise<Customer | undefined> {
  const { rows } = await ordersDb.query<Customer>(
    'SELECT email, full_name AS "fullName" FROM customers WHERE id = $1',
    [customerId],
  );
  return rows[0];
}
