import type { EventType } from '@berth/sdk';

/** What a module reports happened: Docker's event shape before time and scope are added. */
export interface EngineEvent {
  type: EventType;
  action: string;
  /** Container, image, volume or network id (or name, where Docker reports one). */
  id: string;
  attributes?: Record<string, string>;
}

/** The one narrow role modules get of the event bus: report what happened. Never throws, never waits. */
export interface EventSink {
  publish(event: EngineEvent): void;
}

/** For modules used without a bus (unit tests, the builder's internal containers). */
export const NO_EVENTS: EventSink = { publish: () => {} };
