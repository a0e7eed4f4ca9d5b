// What a conversation run is asked to do. The job catalog (queue/jobs.ts) carries it in the payload; the loop
// and the prompt read it. It lives here, with its readers, so the agent never imports the queue.
import { z } from 'zod';

export const ConversationTask = z.enum(['new_message', 'follow_up', 'reroute', 'abandoned', 'recover']);
export type ConversationTask = z.infer<typeof ConversationTask>;
