import { Global, Module } from '@nestjs/common';
import { RegistriesController } from './registries.controller.js';
import { RegistriesService } from './registries.service.js';
import { RegistryStatuses } from './registry-status.js';

// Global: the WebSocket gateway follows registry events through these.
@Global()
@Module({ controllers: [RegistriesController], providers: [RegistriesService, RegistryStatuses], exports: [RegistriesService, RegistryStatuses] })
export class RegistriesModule {}
