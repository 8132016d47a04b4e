import { ChatError, Limits } from '@segmentchat/protocol';
import type { ParsedParams } from '@segmentchat/protocol';
import type { Bus } from './bus.ts';
import type { RateSpec } from './config.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { Store, UserRow } from './store.ts';

/**
 * Relays WebRTC signaling (SDP, ICE) between two users who share a channel or a DM, and nobody
 * else: a stranger cannot learn whether a user id exists or is online.
 */
export class SignalRelay {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    /**
     * Per user. One link takes an offer, an answer and ~5-15 ICE candidates; a host linking 20
     * members at once sends ~300 signals, so a burst of 400 then 40/s lets that through and
     * still stops a client from using the server as a free message pipe.
     */
    rate: RateSpec = { burst: 400, perSecond: 40 },
  ) {
    this.limiter = new RateLimiter(rate);
  }

  async relay(user: UserRow, connectionId: string, p: ParsedParams<'signal'>): Promise<void> {
    const wait = this.limiter.take(user.id);
    if (wait > 0) throw ChatError.rateLimited(wait);
    if (JSON.stringify(p.payload).length > Limits.SIGNAL_PAYLOAD_MAX)
      throw ChatError.tooLarge('Signal payload too large');
    if (p.to === user.id || !(await this.store.shareChannel(user.id, p.to)))
      throw ChatError.notFound('No such peer');
    this.bus.publish({
      kind: 'user',
      userId: p.to,
      ...(p.toConnection !== undefined ? { connectionId: p.toConnection } : {}),
      event: {
        type: 'signal',
        from: user.id,
        fromName: user.username,
        fromConnection: connectionId,
        topic: p.topic,
        payload: p.payload,
      },
    });
  }
}
