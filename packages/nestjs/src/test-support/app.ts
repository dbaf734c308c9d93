/** A Nest app configured like a real one: ConfigService values, hooks from a provider, an own controller. */
import type { OrchestratorEvent, StartInput } from '@itsme-sign/core';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  type INestApplication,
  Injectable,
  Module,
  Param,
  Post,
  Query,
  type RequestMethod,
  UseFilters,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getNodeRequest, ItsmeSignExceptionFilter, ItsmeSignModule, ItsmeSignService } from '../index.js';
import { optionsFromConfigService } from './sandbox-options.js';

/** An app provider the module's hooks come from. */
@Injectable()
export class SigningEvents {
  readonly events: OrchestratorEvent[] = [];
  record(event: OrchestratorEvent): void {
    this.events.push(event);
  }
}

/** The app's notion of the logged-in user: what an auth middleware (here: a test header) put on `req.user`. */
@Injectable()
export class Users {
  userOf(request: Request): string | undefined {
    return getNodeRequest(request)?.user as string | undefined;
  }
}

@Module({ providers: [SigningEvents, Users], exports: [SigningEvents, Users] })
class HooksModule {}

/** The app's own routes driving sessions from server code through `ItsmeSignService`. */
@Controller('server-sessions')
@UseFilters(ItsmeSignExceptionFilter)
class ServerSessionsController {
  constructor(private readonly itsme: ItsmeSignService) {}

  @Post()
  async start(@Body() body: { digest: string }) {
    const input: StartInput = { subject: { mode: 'hash', digest: body.digest }, lang: 'NL' };
    const session = await this.itsme.start(input);
    return { id: session.id, view: this.itsme.view(session) };
  }

  /** With `?version=`, waits until the session has moved past that version. */
  @Get(':id')
  async read(@Param('id') id: string, @Query('version') version?: string) {
    const session =
      version === undefined
        ? await this.itsme.advance(id)
        : await this.itsme.waitForChange(id, Number(version), 20_000);
    return this.itsme.view(session);
  }

  @Delete(':id')
  @HttpCode(200)
  async cancel(@Param('id') id: string) {
    return this.itsme.view(await this.itsme.cancel(id));
  }

  @Get(':id/result')
  result(@Param('id') id: string) {
    return this.itsme.result(id);
  }
}

@Controller()
class PagesController {
  @Get('sign/status')
  status() {
    return 'status page';
  }

  @Get('api/other')
  other() {
    return { other: true };
  }
}

export function appModule(config: Record<string, string>) {
  @Module({
    imports: [
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => config] }),
      HooksModule,
      ItsmeSignModule.forRootAsync({
        imports: [ConfigModule, HooksModule],
        inject: [ConfigService, SigningEvents, Users],
        useFactory: (cfg: ConfigService, events: SigningEvents, users: Users) => ({
          ...optionsFromConfigService(cfg),
          onEvent: (event) => events.record(event),
          authorize: (request) => users.userOf(request),
        }),
      }),
    ],
    controllers: [ServerSessionsController, PagesController],
  })
  class AppModule {}
  return AppModule;
}

export interface AppSetup {
  globalPrefix?: string;
  /** Routes left out of the global prefix. */
  exclude?: Array<string | { path: string; method: RequestMethod }>;
  bodyParser?: boolean;
}

/** Creates the app from `appModule(config)` and listens on 127.0.0.1:`port`. */
export async function startNestApp(
  config: Record<string, string>,
  port: number,
  setup: AppSetup = {},
): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create<NestExpressApplication>(appModule(config), {
    logger: false,
    abortOnError: false,
    ...(setup.bodyParser === false ? { bodyParser: false } : {}),
  });
  // Stands for the app's auth middleware (passport, a session): sets `req.user`.
  app.use((req: { headers: Record<string, unknown>; user?: unknown }, _res: unknown, next: () => void) => {
    req.user = req.headers['x-test-user'];
    next();
  });
  if (setup.globalPrefix) app.setGlobalPrefix(setup.globalPrefix, { exclude: setup.exclude ?? [] });
  await app.listen(port, '127.0.0.1');
  return { app, url: await app.getUrl() };
}
