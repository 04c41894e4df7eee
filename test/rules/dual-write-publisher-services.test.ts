/**
 * A publish behind two wrappers whose inner one takes the exchange as a parameter
 * (`RabbitPublisherService.publish(exchange, input)` over golevelup's `amqpConnection.publish`), called by
 * per-exchange publisher services (`CacheEventsPublisherService.publish(payload)` passing
 * `rabbitExchanges.CACHE_INVALIDATION`): the channel is the one named on the way from the flow. A cache
 * invalidation is then recognised as one (not reported), and an event to another exchange is reported
 * with that exchange's name.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const CONFIG = lines(
  'export const rabbitExchanges = {',
  "  CACHE_INVALIDATION: 'nft-cache-invalidation',",
  "  NFT_LIKE: 'gamification-nft-likes',",
  '};',
);

const PUBLISHERS = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';",
  "import { rabbitExchanges } from './config';",
  '',
  '@Injectable()',
  'export class RabbitPublisherService {',
  '  constructor(private readonly amqpConnection: AmqpConnection) {}',
  '  async publish(exchange: string, input: unknown): Promise<void> {',
  "    await this.amqpConnection.publish(exchange, '', input);",
  '  }',
  '}',
  '',
  '@Injectable()',
  'export class CacheEventsPublisherService {',
  '  constructor(private readonly rabbitPublisherService: RabbitPublisherService) {}',
  '  async publish(payload: { id: string }) {',
  '    await this.rabbitPublisherService.publish(rabbitExchanges.CACHE_INVALIDATION, payload);',
  '  }',
  '}',
  '',
  '@Injectable()',
  'export class NftLikePublisherService {',
  '  constructor(private readonly rabbitPublisherService: RabbitPublisherService) {}',
  '  async publish(payload: { id: string; address: string; correlationId: string }) {',
  '    await this.rabbitPublisherService.publish(rabbitExchanges.NFT_LIKE, payload);',
  '  }',
  '}',
);

const LIKES = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { InjectRepository } from '@nestjs/typeorm';",
  "import { Repository } from 'typeorm';",
  "import { CacheEventsPublisherService, NftLikePublisherService } from './publishers';",
  "import { AssetLikeEntity } from './asset-like.entity';",
  '',
  '@Injectable()',
  'export class AssetsLikesService {',
  '  constructor(',
  '    @InjectRepository(AssetLikeEntity) private readonly likes: Repository<AssetLikeEntity>,',
  '    private readonly cacheEvents: CacheEventsPublisherService,',
  '    private readonly likeEvents: NftLikePublisherService,',
  '  ) {}',
  '',
  '  async unlike(id: string, address: string) {',
  '    await this.likes.delete({ identifier: id, address });',
  '    await this.cacheEvents.publish({ id });',
  '  }',
  '',
  '  async like(id: string, address: string) {',
  '    await this.likes.save(this.likes.create({ identifier: id, address }));',
  '    await this.likeEvents.publish({ id, address, correlationId: id });',
  '  }',
  '}',
);

const files = { 'apps/nft/src/config.ts': CONFIG, 'apps/nft/src/publishers.ts': PUBLISHERS, 'apps/nft/src/likes.service.ts': LIKES };

runRuleTests('dual-write', {
  valid: [],
  invalid: [{
    name: 'the cache invalidation is not reported; the like event names the exchange its publisher service gives',
    files,
    errors: [{ messageId: 'dualWrite', file: 'apps/nft/src/likes.service.ts', ...at(LIKES, 'publish({ id, address'), messageIncludes: 'amqpConnection.publish to "gamification-nft-likes"' }],
  }],
});
