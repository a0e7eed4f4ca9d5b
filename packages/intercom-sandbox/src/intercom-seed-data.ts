// The default demo workspace. Conversation 215472699001234 and its people are copied from the synthesized
// webhook examples (../shared/intercom/examples, app a1b2c3d4) so webhooks and REST reads tell one story.
export const SEED_APP_ID = 'a1b2c3d4';
export const SEED_BOT_ADMIN_ID = '9608812';
export const SEED_CONVERSATION_ID = '215472699001234';

export const SEED_WORKSPACE = { appId: SEED_APP_ID, name: 'Example Shop', region: 'US', timezone: 'America/New_York' };

export const SEED_ADMINS = [
  {
    id: SEED_BOT_ADMIN_ID,
    name: 'Support Agent (API)',
    email: 'support-bot@example.com',
    jobTitle: 'Support bot',
    bot: true,
    teamIds: [],
  },
  {
    id: '9608801',
    name: 'Maya Chen',
    email: 'maya.chen@example.com',
    jobTitle: 'Billing specialist',
    bot: false,
    teamIds: ['5120001'],
  },
  {
    id: '9608802',
    name: 'Tom Okafor',
    email: 'tom.okafor@example.com',
    jobTitle: 'Support engineer',
    bot: false,
    teamIds: ['5120002', '5120003'],
  },
] as const;

export const SEED_TEAMS = [
  { id: '5120001', name: 'Billing', adminIds: ['9608801'] },
  { id: '5120002', name: 'Technical', adminIds: ['9608802'] },
  { id: '5120003', name: 'Customer Success', adminIds: ['9608802'] },
] as const;

export const SEED_TAGS = [
  { id: '7710001', name: 'billing' },
  { id: '7710002', name: 'refund' },
  { id: '7710003', name: 'bug' },
  { id: '7710004', name: 'vip' },
  { id: '7710005', name: 'shipping' },
] as const;

export const SEED_CONTACTS = [
  {
    id: '6762f1a51bb69f9f2193bc01',
    externalId: 'cust-40417',
    name: 'Dana Reyes',
    email: 'dana.reyes@example.com',
    createdAt: 1762000000,
    plan: 'pro',
  },
  {
    id: '6762f1a51bb69f9f2193bc02',
    externalId: 'cust-40533',
    name: 'Priya Nair',
    email: 'priya.nair@example.com',
    createdAt: 1763000000,
    plan: 'free',
  },
  {
    id: '6762f1a51bb69f9f2193bc03',
    externalId: 'cust-40601',
    name: 'Marco Rossi',
    email: 'marco.rossi@example.com',
    createdAt: 1764000000,
    plan: 'business',
  },
  {
    id: '6762f1a51bb69f9f2193bc04',
    externalId: null,
    name: 'Lena Fischer',
    email: 'lena.fischer@example.com',
    createdAt: 1765000000,
    plan: 'free',
  },
] as const;

export interface SeedConversation {
  id: string;
  sourceId: string;
  contactId: string;
  createdAt: number;
  subject: string;
  body: string;
  url: string | null;
  /** Later messages, oldest first. `adminId` marks a teammate's part. */
  replies: readonly { id: string; at: number; body: string; adminId?: string }[];
  teamAssigneeId?: string;
  closedBy?: { adminId: string; at: number };
}

export const SEED_CONVERSATIONS: readonly SeedConversation[] = [
  {
    // conversation.user.created.json + conversation.user.replied.json
    id: SEED_CONVERSATION_ID,
    sourceId: '3381830011',
    contactId: '6762f1a51bb69f9f2193bc01',
    createdAt: 1795166045,
    subject: '',
    body: '<p>Hi, my card was charged twice for order #8812. Can you refund one of them?</p>',
    url: 'https://shop.example.com/account/orders/8812',
    replies: [
      { id: '37358200101', at: 1795166465, body: '<p>Also, the second charge is still pending on my statement.</p>' },
    ],
  },
  {
    id: '215472699001235',
    sourceId: '3381830012',
    contactId: '6762f1a51bb69f9f2193bc02',
    createdAt: 1795169000,
    subject: '',
    body: "<p>I asked for a password reset twice but the email never arrives. I can't log in.</p>",
    url: 'https://shop.example.com/login',
    replies: [],
  },
  {
    id: '215472699001236',
    sourceId: '3381830013',
    contactId: '6762f1a51bb69f9f2193bc03',
    createdAt: 1795170200,
    subject: 'Data export',
    body: '<p>How do I export all of my order history as a CSV file?</p>',
    url: null,
    replies: [],
    teamAssigneeId: '5120002',
  },
  {
    id: '215472699001237',
    sourceId: '3381830014',
    contactId: '6762f1a51bb69f9f2193bc04',
    createdAt: 1795080000,
    subject: '',
    body: '<p>When will my order ship? I ordered five days ago.</p>',
    url: 'https://shop.example.com/account/orders/8790',
    replies: [
      {
        id: '37358200055',
        at: 1795083600,
        adminId: '9608802',
        body: '<p>Orders ship within 2 business days; yours left our warehouse today. Tracking is on <a href="https://shop.example.com/track/8790">your order page</a>.</p>',
      },
    ],
    closedBy: { adminId: '9608802', at: 1795083700 },
  },
];

export const SEED_ARTICLES = [
  {
    id: '9200001',
    title: 'Refunds and double charges',
    description: 'Why you may see two charges and how refunds work',
    body: '<p>If you see two charges for one order, one is usually a pending card authorisation that drops off within 3-5 business days. If both charges have settled, we refund the duplicate within 5 business days of your request. Refunds go back to the original payment method.</p>',
  },
  {
    id: '9200002',
    title: 'Reset your password',
    description: 'What to do when you cannot log in',
    body: '<p>Use "Forgot password" on the login page. The reset email arrives within a few minutes; check your spam folder. Reset links expire after 1 hour. If no email arrives, make sure you use the address on your account.</p>',
  },
  {
    id: '9200003',
    title: 'Export your data',
    description: 'Download your orders and account data',
    body: '<p>Go to Settings, then Privacy, then Export data. Choose CSV or JSON. We email a download link when the export is ready, usually within 15 minutes.</p>',
  },
  {
    id: '9200004',
    title: 'Shipping times',
    description: 'How long delivery takes',
    body: '<p>Orders ship within 2 business days. Standard delivery takes 3-5 business days in the US and 7-10 internationally. Tracking appears on your order page once the parcel leaves our warehouse.</p>',
  },
] as const;

export const SEED_TICKET_TYPES = [
  { id: '1', name: 'Refund request', description: 'A customer asks for money back', category: 'Customer' },
  { id: '2', name: 'Bug report', description: 'A defect to hand to engineering', category: 'Back-office' },
] as const;

/** Companies of the seeded contacts; Lena Fischer belongs to none, and Harbor Freight Co. has no users yet. */
export const SEED_COMPANIES = [
  {
    id: '6762f0a11bb69f9f2193c001',
    companyId: 'acct-1001',
    name: 'Reyes Design Studio',
    plan: 'pro',
    size: 12,
    website: 'https://reyes-design.example.com',
    industry: 'Design',
    monthlySpend: 49,
    lastRequestAt: 1795166400,
    contactIds: ['6762f1a51bb69f9f2193bc01'],
  },
  {
    id: '6762f0a11bb69f9f2193c002',
    companyId: 'acct-1002',
    name: 'Rossi Logistics',
    plan: 'business',
    size: 240,
    website: 'https://rossi-logistics.example.com',
    industry: 'Logistics',
    monthlySpend: 899,
    lastRequestAt: 1795170000,
    contactIds: ['6762f1a51bb69f9f2193bc03'],
  },
  {
    id: '6762f0a11bb69f9f2193c003',
    companyId: 'acct-1003',
    name: 'Nair Analytics',
    plan: 'free',
    size: 3,
    website: null,
    industry: 'Software',
    monthlySpend: 0,
    lastRequestAt: 1795169000,
    contactIds: ['6762f1a51bb69f9f2193bc02', '6762f1a51bb69f9f2193bc01'],
  },
  {
    id: '6762f0a11bb69f9f2193c004',
    companyId: 'acct-1004',
    name: 'Harbor Freight Co.',
    plan: null,
    size: null,
    website: null,
    industry: null,
    monthlySpend: 0,
    lastRequestAt: 1790000000,
    contactIds: [],
  },
] as const;
