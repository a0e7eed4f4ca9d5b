// `deskpilot mcp token create|list|revoke` options (kept out of program.ts so that file stays the map).
import type { Command } from 'commander';
import { mcpTokenCreate, mcpTokenList, mcpTokenRevoke } from './mcp.js';
import type { CommandWrapper } from './runs-commands.js';

export function registerMcpCommands(program: Command, command: CommandWrapper, TENANT: string): void {
  const mcp = program.command('mcp').description("the MCP endpoint (/mcp on serve) for teammates' MCP hosts");
  const mcpToken = mcp.command('token').description('bearer tokens: one tenant each, stored hashed, shown once');
  mcpToken
    .command('create')
    .description('issue a token and print it once')
    .requiredOption('--tenant <id>', TENANT)
    .requiredOption('--label <who>', 'who holds it (audit rows name this)')
    .requiredOption('--scopes <scope>', 'read (reads only) or write (reads and the writes the tenant allows)')
    .option('--ttl <duration>', 'lifetime such as 30d, 12h, 90m (at most 365d)', '30d')
    .action(
      command((ctx, o: { tenant: string; label: string; scopes: string; ttl: string }) => mcpTokenCreate(o, ctx)),
    );
  mcpToken
    .command('list')
    .description("a tenant's tokens: id, scopes, label, state, last use (never the token)")
    .requiredOption('--tenant <id>', TENANT)
    .action(command((ctx, o: { tenant: string }) => mcpTokenList(o, ctx)));
  mcpToken
    .command('revoke')
    .description('revoke a token now (its next request gets 401)')
    .argument('<id>', 'token id (mcp_..., see `mcp token list`)')
    .action(command((ctx, id: string) => mcpTokenRevoke({ id }, ctx)));
}
