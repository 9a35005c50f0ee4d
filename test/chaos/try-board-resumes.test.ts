import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { tryBoardResumes } from '../../src/chaos/try-board-resumes.ts';
import { listenLocal, type LocalListener } from '../support/listen-local.ts';

describe('tryBoardResumes', () => {
  let board: LocalListener | undefined;
  afterEach(async () => {
    await board?.close();
    board = undefined;
  });

  /** A board answering every PUT with `status` and `body`; returns what it was sent. */
  async function boardAnswering(
    status: number,
    body: string,
  ): Promise<{ url: string; seen: { method?: string; url?: string; headers: IncomingHttpHeaders }[] }> {
    const seen: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
    board = await listenLocal(
      createServer((req, res) => {
        seen.push({ method: req.method, url: req.url, headers: req.headers });
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      }),
    );
    return { url: board.url, seen };
  }

  it("sends the execution queue's resume and resume-all as the board's page would, and counts the kill switch's refusals", async () => {
    const { url, seen } = await boardAnswering(
      403,
      JSON.stringify({ error: 'Bull Board may not resume "execution": the kill switch owns pause/resume' }),
    );
    expect(await tryBoardResumes({ url, user: 'admin', password: 'pw' })).toEqual({
      tried: 2,
      accepted: 0,
      unexpected: [],
    });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'PUT /ui/api/queues/execution/resume',
      'PUT /ui/api/queues/resume',
    ]);
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
    expect(seen[0]!.headers.origin).toBe(url);
  });

  it('counts a resume the board accepted', async () => {
    const { url } = await boardAnswering(200, '{}');
    expect(await tryBoardResumes({ url, user: 'admin', password: 'pw' })).toMatchObject({
      tried: 2,
      accepted: 2,
      unexpected: [],
    });
  });

  it.each([
    ['a wrong login', 401, 'Unauthorized'],
    ['a missing route', 404, 'Not Found'],
    ['a 403 of the Host/Origin check', 403, JSON.stringify({ error: 'the Origin is not this server' })],
    ['a server error', 500, 'boom'],
  ])('does not take %s for a refusal: nothing was checked', async (_, status, body) => {
    const { url } = await boardAnswering(status, body);
    const result = await tryBoardResumes({ url, user: 'admin', password: 'pw' });
    expect(result.accepted).toBe(0);
    expect(result.unexpected).toEqual([
      `PUT /ui/api/queues/execution/resume: ${status} ${body}`,
      `PUT /ui/api/queues/resume: ${status} ${body}`,
    ]);
  });

  it('counts a board that does not answer, instead of throwing', async () => {
    const { url } = await boardAnswering(403, '');
    await board!.close();
    board = undefined;
    const result = await tryBoardResumes({ url, user: 'admin', password: 'pw' });
    expect(result.unexpected).toHaveLength(2);
    expect(result.unexpected[0]).toMatch(/^PUT \/ui\/api\/queues\/execution\/resume: no answer/);
  });

  it('throws when the run is interrupted', async () => {
    const { url } = await boardAnswering(403, '');
    await expect(
      tryBoardResumes({ url, user: 'admin', password: 'pw' }, AbortSignal.abort(new Error('interrupted'))),
    ).rejects.toThrow();
  });
});
