import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RegistriesService } from '../registries/registries.service.js';
import { registryEvents } from '../registries/registry-events.js';
import { RegistryStatuses, type RegistryStatusView } from '../registries/registry-status.js';
import { StreamHub, type Listener, type Payload } from './stream-hub.js';
import { registryKeyPrefix, topicKey } from './topic-streams.js';
import type { RegistryEventsTopic } from './ws-messages.js';

interface EveryRegistry {
  listener: Listener;
  stops: Map<number, () => void>;
}

/**
 * The `registry-events` topic: one event stream per registry in the stream hub, however many
 * browsers follow it, reopened with backoff while the registry is unreachable; status changes
 * go to the subscriptions that follow that registry. A removed registry ends the
 * subscriptions that named it and drops out of those that follow every registry.
 */
@Injectable()
export class RegistryTopic implements OnModuleInit {
  private readonly everyRegistry = new Set<EveryRegistry>();

  constructor(
    @Inject(RegistriesService) private readonly registries: RegistriesService,
    @Inject(RegistryStatuses) private readonly statuses: RegistryStatuses,
    @Inject(StreamHub) private readonly hub: StreamHub,
  ) {}

  onModuleInit(): void {
    this.registries.on('added', (id: number) => {
      for (const all of this.everyRegistry) if (!all.stops.has(id)) all.stops.set(id, this.open(id, all.listener));
    });
    this.registries.on('removed', (id: number) => {
      for (const all of this.everyRegistry) {
        all.stops.get(id)?.();
        all.stops.delete(id);
      }
      this.hub.closeAll(registryKeyPrefix(id), { type: 'end' });
    });
  }

  /** Follows the topic for one subscription; returns what stops it. */
  follow(topic: RegistryEventsTopic, listener: Listener): () => void {
    const stops: (() => void)[] = [];
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      for (const s of stops.splice(0)) s();
    };
    // The subscription ends with an `end` (registry removed) or an `error`: stop the rest too.
    const forward: Listener = {
      push: (p) => {
        if (p.type === 'end' || p.type === 'error') stop();
        listener.push(p);
      },
    };
    const { registryId } = topic;
    stops.push(this.statuses.watch((v) => {
      if (registryId === undefined || v.registryId === registryId) forward.push(statusPayload(v));
    }));
    void this.start(registryId, forward, stops, () => stopped).catch((err: unknown) => {
      forward.push({ type: 'error', code: (err as { code?: string }).code ?? 'INTERNAL', message: (err as Error).message });
    });
    return stop;
  }

  private async start(registryId: number | undefined, forward: Listener, stops: (() => void)[], stopped: () => boolean): Promise<void> {
    if (registryId === undefined) return this.startEvery(forward, stops, stopped);
    const ids = await this.registries.ids();
    if (stopped()) return;
    if (!ids.includes(registryId)) {
      return forward.push({ type: 'error', code: 'NOT_FOUND', message: `registry ${registryId} does not exist: GET /api/registries lists them` });
    }
    this.sendKnownStatus(registryId, forward);
    stops.push(this.open(registryId, forward));
  }

  /** Every registry, those added later too; a removal drops that registry only and the subscription goes on. */
  private async startEvery(forward: Listener, stops: (() => void)[], stopped: () => boolean): Promise<void> {
    const all: EveryRegistry = { listener: { push: (p) => p.type !== 'end' && forward.push(p) }, stops: new Map() };
    // Joined before the list is read, so that a registry added meanwhile is not missed.
    this.everyRegistry.add(all);
    stops.push(() => {
      this.everyRegistry.delete(all);
      for (const s of all.stops.values()) s();
      all.stops.clear();
    });
    const ids = await this.registries.ids();
    if (stopped()) return;
    for (const id of ids) {
      if (all.stops.has(id)) continue;
      this.sendKnownStatus(id, forward);
      all.stops.set(id, this.open(id, all.listener));
    }
  }

  private open(registryId: number, listener: Listener): () => void {
    const opener = registryEvents(() => this.registries.connect(registryId), registryId, this.statuses);
    return this.hub.subscribe(topicKey.registryEvents(registryId), opener, listener, true);
  }

  private sendKnownStatus(registryId: number, listener: Listener): void {
    const view = this.statuses.get(registryId);
    if (view.status !== 'unknown') listener.push(statusPayload(view));
  }
}

function statusPayload(v: RegistryStatusView): Payload {
  return { type: 'registry-status', registryId: v.registryId, status: v.status, lastError: v.lastError };
}
