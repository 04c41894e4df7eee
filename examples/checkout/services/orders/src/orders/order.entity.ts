import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type OrderStatus = 'PENDING' | 'CANCELLED';

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

@Entity({ name: 'orders' })
export class Order {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('jsonb')
  items: OrderItem[];

  @Column('integer', { name: 'total_cents' })
  totalCents: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('varchar', { length: 16 })
  status: OrderStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
