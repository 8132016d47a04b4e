/**
 * What an author signs (HMAC-SHA256 with its relay key from `hello`, base64url) for a message a
 * hosted channel's host relays. It names the channel and the author, so a host can neither post
 * a member's words as someone else nor replay them into another channel. Fields are joined by a
 * newline after their lengths, so no two different messages share one signed string.
 */
export function relaySignedText(
  channelId: string,
  authorId: string,
  clientMsgId: string,
  text: string,
): string {
  return `segmentchat-relay-v1\n${channelId.length}:${channelId}\n${authorId.length}:${authorId}\n${clientMsgId}\n${text}`;
}
