/**
 * dual-write: a request made before a write that records its reply (upload a file, then save its URL)
 * cannot go through an outbox, since the write needs the reply now; if the write fails, the other service
 * keeps an orphan. Not paired. A request whose reply the write does not record, and a fire-and-forget
 * event whose result is recorded, are still reported.
 */
import { runRuleTests } from '../support/ruleTester';

/** A NestJS service holding a ClientProxy to the storage service (lines 1-10; line 10 opens `create`). */
const HEAD = `import { ClientProxy } from '@nestjs/microservices';
import { PrismaClient } from '@prisma/client';
import { firstValueFrom } from 'rxjs';

const prisma = new PrismaClient();

export class ProductsService {
  constructor(private readonly storage: ClientProxy) {}

  async create(name: string, file: string) {`;

const service = (body: string, extra = '') => ({ 'services/products/src/products.service.ts': `${HEAD}\n${body}\n  }\n${extra}}\n` });

runRuleTests('dual-write', {
  valid: [
    {
      name: 'the reply of the upload request is the URL the write saves',
      files: service(`    const imageUrl = await firstValueFrom(this.storage.send({ cmd: 'storage.upload' }, { file }));
    await prisma.product.create({ data: { name, image: imageUrl } });`),
    },
    {
      name: 'the reply reaches the write through a local object built from it',
      files: service(`    const certificate = await firstValueFrom(this.storage.send('certificates.issue', { name }));
    const record = { name, keyId: certificate.keyId, body: certificate.pem };
    await prisma.certificate.create({ data: record });`),
    },
    {
      name: 'the request is made by a callee that returns its reply',
      files: service(`    const imageUrl = await this.upload(file);
    await prisma.product.create({ data: { name, image: imageUrl } });`, `
  private upload(file: string): Promise<string> {
    return firstValueFrom(this.storage.send('storage.upload', { file }));
  }
`),
    },
  ],
  invalid: [
    {
      name: 'a request whose reply is only checked, not recorded, still precedes a write it may outlive',
      files: service(`    const reply = await firstValueFrom(this.storage.send({ cmd: 'storage.reserve_quota' }, { name }));
    if (!reply.ok) throw new Error('no quota');
    await prisma.product.create({ data: { name } });`),
      errors: [{ messageId: 'dualWrite', line: 11, column: 53 }],
    },
    {
      name: 'an event (fire and forget) whose result the write records still announces a change that may not be saved',
      files: service(`    const sent = await firstValueFrom(this.storage.emit('product.created', { name }));
    await prisma.product.create({ data: { name, announced: String(sent) } });`),
      errors: [{ messageId: 'dualWrite', line: 11, column: 52 }],
    },
  ],
});
