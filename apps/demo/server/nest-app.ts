/** The demo back end on NestJS: `ItsmeSignModule` mounts the same routes; a controller serves the documents. */
import 'reflect-metadata';
import { ItsmeSignModule } from '@itsme-sign/nestjs';
import {
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  Inject,
  Module,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import {
  BROWSER_DIR,
  type DemoSettings,
  DOCUMENTS_BASE,
  EVIDENCE_BASE,
  hasFrontEnd,
  itsmeOptions,
} from './config.js';
import { DocumentLibrary, MAX_UPLOAD, UploadError } from './documents.js';
import { EvidenceLog } from './evidence.js';

@Controller(DOCUMENTS_BASE.slice(1))
class DocumentsController {
  constructor(@Inject(DocumentLibrary) private readonly library: DocumentLibrary) {}

  @Get()
  list() {
    return this.library.list();
  }

  @Get(':id')
  @Header('content-type', 'application/pdf')
  get(@Param('id') id: string): StreamableFile {
    const doc = this.library.get(id);
    if (!doc) throw new NotFoundException({ error: { code: 'NOT_FOUND', message: 'No such document.' } });
    return new StreamableFile(doc.bytes, { disposition: `inline; filename="${doc.name}"` });
  }

  @Post()
  @HttpCode(201)
  upload(@Req() req: express.Request) {
    try {
      const name = decodeURIComponent(String(req.headers['x-file-name'] ?? 'document.pdf'));
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return this.library.upload(name, new Uint8Array(body));
    } catch (e) {
      const status = e instanceof UploadError ? e.status : 400;
      throw new HttpException({ error: { code: 'INVALID_REQUEST', message: (e as Error).message } }, status);
    }
  }
}

@Controller(EVIDENCE_BASE.slice(1))
class EvidenceController {
  constructor(@Inject(EvidenceLog) private readonly evidence: EvidenceLog) {}

  @Get(':id')
  @Header('cache-control', 'no-store')
  get(@Param('id') id: string) {
    const record = this.evidence.get(id);
    if (!record)
      throw new NotFoundException({ error: { code: 'NOT_FOUND', message: 'No record for this session.' } });
    return record;
  }
}

@Controller()
class FrontEndController {
  /** The Angular router owns every other GET (e.g. /sign/status). */
  @Get(['sign/{*path}', ''])
  index(@Res() res: express.Response) {
    if (hasFrontEnd()) res.sendFile('index.html', { root: BROWSER_DIR });
    else
      res
        .type('text/plain')
        .send('The Angular front end is not built: run `pnpm demo` from the repository root.');
  }
}

export async function startNestApp(
  settings: DemoSettings,
  port: number,
  host: string,
): Promise<() => Promise<void>> {
  @Module({
    imports: [ItsmeSignModule.forRoot(itsmeOptions(settings))],
    controllers: [DocumentsController, EvidenceController, FrontEndController],
    providers: [
      { provide: DocumentLibrary, useValue: settings.library },
      { provide: EvidenceLog, useValue: settings.evidence },
    ],
  })
  class DemoModule {}

  const app = await NestFactory.create(DemoModule, { logger: ['error', 'warn'], bodyParser: false });
  // Body parsers on our own routes only (the itsme® routes parse their own JSON).
  app.use(DOCUMENTS_BASE, express.raw({ type: 'application/pdf', limit: MAX_UPLOAD }));
  if (hasFrontEnd()) app.use(express.static(BROWSER_DIR, { index: false, maxAge: '1h' }));
  app.enableShutdownHooks();
  await app.listen(port, host);
  return () => app.close();
}
