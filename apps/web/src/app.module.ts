import { Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CONFIG, DB } from './common/tokens.js';
import type { ConsoleConfig } from './config/console-config.js';
import { ContainersModule } from './containers/containers.module.js';
import type { Db } from './db/database.js';
import { EventsModule } from './events/events.module.js';
import { HostsModule } from './hosts/hosts.module.js';
import { ImagesModule } from './images/images.module.js';
import { NetworksModule } from './networks/networks.module.js';
import { RegistriesModule } from './registries/registries.module.js';
import { VolumesModule } from './volumes/volumes.module.js';

@Module({})
class CoreModule {
  static with(config: ConsoleConfig, db: Db): DynamicModule {
    return {
      module: CoreModule, global: true,
      providers: [{ provide: CONFIG, useValue: config }, { provide: DB, useValue: db }],
      exports: [CONFIG, DB],
    };
  }
}

@Module({})
export class AppModule {
  static with(config: ConsoleConfig, db: Db): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.with(config, db), AuditModule, AuthModule, HostsModule, EventsModule,
        ContainersModule, ImagesModule, VolumesModule, NetworksModule, RegistriesModule,
      ],
    };
  }
}
