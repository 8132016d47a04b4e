import { ChatError, Limits } from '@segmentchat/protocol';
import type { ParsedParams } from '@segmentchat/protocol';
import type { Bus } from './bus.ts';
import type { Store, UserRow } from './store.ts';

/**
 * Relays WebRTC signaling (SDP, ICE) between two users who share a channel or a DM, and nobody
 * else: a stranger cannot learn whether a user id exists or is online.
 */
export class SignalRelay {
  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
  ) {}

  async relay(user: UserRow, connectionId: string, p: ParsedParams<'signal'>): Promise<void> {
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
