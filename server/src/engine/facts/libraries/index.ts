/** Every library the engine recognizes. Add a table here to teach it a new one. */
import type { LibraryTable } from './table';
import { kafkajs } from './kafkajs';
import { kafkaNode } from './kafkaNode';
import { amqplib } from './amqplib';
import { sqs } from './sqs';
import { bullmq } from './bullmq';
import { pgBoss } from './pgBoss';
import { nestjs } from './nestjs';
import { pg } from './pg';
import { pgPromise } from './pgPromise';
import { mysql } from './mysql';
import { mssql } from './mssql';
import { mongodb } from './mongodb';
import { prisma } from './prisma';
import { typeorm } from './typeorm';
import { mikroorm } from './mikroorm';
import { stomp } from './stomp';
import { redis } from './redis';
import { advisoryLocks } from './advisoryLocks';
import { http } from './http';
import { sideEffects } from './sideEffects';
import { nats } from './nats';
import { pubsub } from './pubsub';
import { azureServiceBus } from './azureServiceBus';
import { eventbridge } from './eventbridge';
import { redisStreams } from './redisStreams';
import { golevelup } from './golevelup';
import { rascal } from './rascal';
import { sequelize } from './sequelize';
import { knex } from './knex';
import { drizzle } from './drizzle';
import { kysely } from './kysely';
import { dynamodb } from './dynamodb';
import { httpClients } from './httpClients';
import { temporal } from './temporal';
import { triggerDev } from './triggerDev';
import { lambda } from './lambda';
import { lomray } from './lomray';
import { trpc } from './trpc';
import { objection } from './objection';
import { prairielearnPostgres } from './prairielearnPostgres';

export const LIBRARIES: LibraryTable[] = [kafkajs, kafkaNode, amqplib, sqs, bullmq, pgBoss, nestjs, pg, pgPromise, mysql, mssql, mongodb, prisma, typeorm, mikroorm, stomp, redis, advisoryLocks, http, sideEffects,
  nats, pubsub, azureServiceBus, eventbridge, redisStreams, golevelup, rascal, sequelize, knex, drizzle, kysely, dynamodb, httpClients, temporal, triggerDev, lambda, lomray, trpc, objection, prairielearnPostgres];

/**
 * Imports that are distributed-transaction coordinators by themselves:
 * DTM's Node SDK (`dtmcli`) and Oracle MicroTx (XA/TCC/LRA coordinator client).
 */
export const DISTRIBUTED_TRANSACTION_MODULES = ['dtmcli', '@oracle/microtx'];
