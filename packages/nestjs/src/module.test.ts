import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES, ItsmeSignError } from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ITSME_SIGN_OPTIONS,
  ItsmeSignModule,
  type ItsmeSignModuleOptions,
  type ItsmeSignOptionsFactory,
  ItsmeSignService,
  toHttpException,
} from './index.js';
import {
  BASE,
  optionsFrom,
  optionsFromConfigService,
  sandboxConfig,
} from './test-support/sandbox-options.js';

let sandbox: Sandbox;
let options: ItsmeSignModuleOptions;

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-nest-module-')) });
  options = optionsFrom(sandboxConfig(sandbox, 8080));
});
afterAll(async () => {
  await sandbox?.close();
});

/** Compiles a testing module; returns the boot error, if any. */
async function bootError(imports: unknown[]): Promise<unknown> {
  try {
    const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
    await moduleRef.close();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('booting the module', () => {
  it('forRoot: provides the service and the options token, mounts the routes, closes on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ItsmeSignModule.forRoot(options)],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const service = app.get(ItsmeSignService);
    expect(service.handler.basePath).toBe(BASE);
    expect(app.get(ITSME_SIGN_OPTIONS)).toEqual(options);

    const res = await request(app.getHttpServer()).get(`${BASE}/session`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('SESSION_NOT_FOUND');

    const close = vi.spyOn(service.handler, 'close');
    await app.close();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('forRootAsync with useClass, isGlobal: a feature module injects the service without importing the module', async () => {
    @Injectable()
    class OptionsFromClass implements ItsmeSignOptionsFactory {
      createItsmeSignOptions() {
        return { ...options, basePath: '/sign-api/' };
      }
    }
    @Injectable()
    class Contracts {
      constructor(readonly itsme: ItsmeSignService) {}
    }
    @Module({ providers: [Contracts] })
    class ContractsModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        ItsmeSignModule.forRootAsync({ useClass: OptionsFromClass, isGlobal: true }),
        ContractsModule,
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    expect(app.get(Contracts).itsme).toBe(app.get(ItsmeSignService));
    expect(app.get(ItsmeSignService).handler.basePath).toBe('/sign-api');
    expect((await request(app.getHttpServer()).get('/sign-api/session')).body.error.code).toBe(
      'SESSION_NOT_FOUND',
    );
    await app.close();
  });

  it('forRootAsync from ConfigService', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => sandboxConfig(sandbox, 8080)] }),
        ItsmeSignModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => optionsFromConfigService(config),
        }),
      ],
    }).compile();
    const service = moduleRef.get(ItsmeSignService);
    expect(service.orchestrator.client).toBeDefined();
    expect(moduleRef.get<ItsmeSignModuleOptions>(ITSME_SIGN_OPTIONS).redirectUrl).toBe(
      `http://127.0.0.1:8080${BASE}/callback`,
    );
    await moduleRef.close();
  });
});

describe('a missing or invalid option fails at boot with a clear message', () => {
  const cases: Array<[string, () => Partial<ItsmeSignModuleOptions>, string, RegExp]> = [
    ['no cookie secret', () => ({ cookie: { secrets: [] } }), 'INVALID_CONFIG', /cookie\.secrets/],
    ['a short cookie secret', () => ({ cookie: { secrets: ['short'] } }), 'INVALID_CONFIG', /32 characters/],
    [
      'an http: B2B URL',
      () => ({ client: { ...options.client, baseUrl: 'http://127.0.0.1:9/' } as never }),
      'INSECURE_URL',
      /https/,
    ],
    [
      'no client certificate',
      () => ({ client: { ...options.client, credentials: undefined } as never }),
      'MISSING_CREDENTIALS',
      /certificate/,
    ],
    ['no basePath', () => ({ basePath: undefined as never }), 'INVALID_CONFIG', /basePath is required/],
    ['a relative basePath', () => ({ basePath: 'api/itsme' }), 'INVALID_CONFIG', /"api\/itsme"/],
    ['a relative redirectUrl', () => ({ redirectUrl: '/callback' }), 'INVALID_CONFIG', /redirectUrl/],
  ];

  it.each(cases)('%s (forRoot)', async (_name, change, code, message) => {
    const error = await bootError([ItsmeSignModule.forRoot({ ...options, ...change() })]);
    expect(error).toBeInstanceOf(ItsmeSignError);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
  });

  it('a value missing from ConfigService (forRootAsync)', async () => {
    const { ITSME_COOKIE_SECRET: _omitted, ...config } = sandboxConfig(sandbox, 8080);
    const error = await bootError([
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => config] }),
      ItsmeSignModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (cfg: ConfigService) => optionsFromConfigService(cfg),
      }),
    ]);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', field: 'cookie.secrets' });
    expect(String(error)).not.toContain('PRIVATE KEY');
  });
});

describe('toHttpException', () => {
  it('keeps the status and the stable code', () => {
    const exception = toHttpException(new ItsmeSignError('USER_REJECTED', { reason: 'REJECTED' }));
    expect(exception.getStatus()).toBe(409);
    expect(exception.getResponse()).toEqual({
      statusCode: 409,
      code: 'USER_REJECTED',
      message: ERROR_CODES.USER_REJECTED.message,
      category: 'user',
      retryable: false,
      reason: 'REJECTED',
    });
  });
});
