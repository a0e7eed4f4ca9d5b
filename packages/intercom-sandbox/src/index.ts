// The Intercom sandbox's public surface: the server factory, its control types and the seeded workspace's ids.
export {
  createIntercomSandbox,
  type IntercomSandbox,
  type IntercomSandboxOptions,
  type IntercomSandboxControl,
  type RecordedCall,
  type AddConversationInput,
  type FaultSpec,
  type ApiVersion,
  type ConversationPriority,
  type ContentControl,
  type NewArticle,
  type NewCompany,
} from './intercom-sandbox.js';
export {
  SEED_APP_ID,
  SEED_BOT_ADMIN_ID,
  SEED_CONVERSATION_ID,
  SEED_WORKSPACE,
  SEED_ADMINS,
  SEED_TEAMS,
  SEED_TAGS,
  SEED_CONTACTS,
  SEED_CONVERSATIONS,
  SEED_ARTICLES,
  SEED_COMPANIES,
  SEED_TICKET_TYPES,
  type SeedConversation,
} from './intercom-seed-data.js';
export type { HistoryEntry, HistoryOptions, HistoryCategory } from './intercom-history.js';
export type { HistoryControl, TeammateClose } from './intercom-history-control.js';
