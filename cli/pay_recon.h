/*
 * pay_recon.h - `jiuzhu pay reconcile|statement|due` (pay_recon.c), the
 * subcommands cli/pay.c dispatches to.
 */
#ifndef JZ_CLI_PAY_RECON_H
#define JZ_CLI_PAY_RECON_H

int cli_pay_reconcile(int argc, char **argv);
int cli_pay_statement(int argc, char **argv);
int cli_pay_due(int argc, char **argv);

#endif
