import { Global, Module } from '@nestjs/common';
import { EventsGateway } from './events.gateway.js';
import { ExecSessions } from './exec-sessions.js';
import { ProgressBus } from './progress-bus.js';
import { RegistryTopic } from './registry-topic.js';
import { StreamHub } from './stream-hub.js';

@Global()
@Module({ providers: [EventsGateway, StreamHub, ProgressBus, ExecSessions, RegistryTopic], exports: [StreamHub, ProgressBus] })
export class EventsModule {}
