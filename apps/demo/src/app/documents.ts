import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';

/** A PDF the demo back end keeps (`GET /api/demo/documents`). */
export interface DemoDocument {
  id: string;
  name: string;
  size: number;
}

const BASE = '/api/demo/documents';

@Injectable({ providedIn: 'root' })
export class DocumentsApi {
  private readonly http = inject(HttpClient);

  list(): Promise<DemoDocument[]> {
    return firstValueFrom(this.http.get<DemoDocument[]>(BASE));
  }

  /** Uploads a PDF as the raw body; the name travels URI-encoded in `x-file-name`. */
  upload(file: File): Promise<DemoDocument> {
    return firstValueFrom(
      this.http.post<DemoDocument>(BASE, file, {
        headers: { 'content-type': 'application/pdf', 'x-file-name': encodeURIComponent(file.name) },
      }),
    );
  }

  url(id: string): string {
    return `${BASE}/${encodeURIComponent(id)}`;
  }

  /** SHA-256 of the document, standard base64 (for hash mode). */
  async sha256(id: string): Promise<string> {
    const bytes = await firstValueFrom(this.http.get(this.url(id), { responseType: 'arraybuffer' }));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    let binary = '';
    for (const byte of digest) binary += String.fromCharCode(byte);
    return btoa(binary);
  }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
