package main

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// errMismatch makes `anynet relay score` exit non-zero when the root
// recomputed from the published evidence is not the one on chain.
var errMismatch = errors.New("relay: MISMATCH: the recomputed root is not the one on chain")

// errStakesMismatch makes it exit non-zero when the Guardian's published
// stake snapshot is not what the contract holds at its block.
var errStakesMismatch = errors.New("relay: MISMATCH: the published stakes are not the contract's at their block")

func newRelay() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "relay",
		Short: "Relay incentives: earn for relaying, check any epoch's scores",
		Long: `Nodes earn credits for the traffic they relay (apps/relay). Every node
signs receipts for what Edges deliver to it; an Edge (--relay-role edge)
hands them to Guardians; WatchDogs probe Edges with ordinary-looking
flows; a Guardian scores each epoch with a public formula, publishes the
evidence on its node and commits a Merkle root of the credits on chain
(RelayCredits). An Edge claims its credit with its proof.

  anynet relay status          roles, epoch, earnings before settlement (fee shown), scores
  anynet relay score EPOCH     fetch the published evidence and recompute every score
  anynet relay claim EPOCH     claim this Edge's credit (--withdraw to be paid at once)
  anynet relay stake [AMOUNT]  stake AMOUNT in RelayCredits; without AMOUNT, show the stake
  anynet relay unstake AMOUNT  take AMOUNT out of the stake: locked for the contract's delay
  anynet relay unstake --withdraw   take out what the delay has unlocked

Stake bounds what colluding wallets can make up: an Edge's stake is the
ceiling of what unstaked endpoints' receipts earn it in an epoch, and an
endpoint's stake backs what it vouches for beyond its free allowance
(BytesPerEther per ether). ` + "AMOUNT is in wei, or a number with eth or gwei (0.5eth)." + ``,
	}
	var guardian string
	var withdraw bool
	status := verb("status", "Show this node's relay roles, epoch, pending credit and fee, scores, probes and commitments", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			s, err := c.RelayStatus(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), s)
			}
			return printRelayStatus(cmd.OutOrStdout(), s)
		})
	score := verb("score EPOCH", "Fetch EPOCH's published evidence, recompute every Edge's score and compare the root with the chain's", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			epoch, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%w: epoch %q: want a number", control.ErrBadRequest, args[0])
			}
			s, err := c.RelayScore(cmd.Context(), epoch, guardian)
			if err != nil {
				return err
			}
			if asJSON {
				if err := printJSON(cmd.OutOrStdout(), s); err != nil {
					return err
				}
			} else {
				printRelayScore(cmd.OutOrStdout(), s)
			}
			if !s.Match {
				return errMismatch
			}
			if !s.StakesMatch {
				return errStakesMismatch
			}
			return nil
		})
	score.Flags().StringVar(&guardian, "guardian", "", "ask this Guardian (a name or 0x wallet; default: the node's Guardians)")
	claim := verb("claim EPOCH", "Claim this Edge's credit of EPOCH on chain with its proof", cobra.ExactArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			epoch, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%w: epoch %q: want a number", control.ErrBadRequest, args[0])
			}
			r, err := c.RelayClaim(cmd.Context(), epoch, withdraw)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), r)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "epoch %d: claimed %s (gross %s, fee %s), tx %s\n", r.Epoch, eth(r.Amount), eth(r.Score.Gross), eth(r.Score.Fee), r.Tx)
			if r.Withdrawn != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "withdrawn: %s\n", eth(r.Withdrawn))
			}
			return nil
		})
	claim.Flags().BoolVar(&withdraw, "withdraw", false, "then withdraw everything claimed to this wallet")
	stake := verb("stake [AMOUNT]", "Stake AMOUNT (wei, or 0.5eth) in RelayCredits; without AMOUNT, show this wallet's stake", cobra.MaximumNArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			var s control.RelayStake
			var err error
			if len(args) == 0 {
				s, err = c.RelayStake(cmd.Context())
			} else if _, err = control.ParseAmount(args[0]); err == nil {
				s, err = c.RelayStakeChange(cmd.Context(), control.RelayStakeRequest{Action: control.StakeAdd, Amount: args[0]})
			}
			if err != nil {
				return err
			}
			return printStake(cmd.OutOrStdout(), s, asJSON)
		})
	var unlockWithdraw bool
	unstake := verb("unstake [AMOUNT]", "Take AMOUNT out of this wallet's stake (locked for the contract's delay); --withdraw takes out what is unlocked", cobra.MaximumNArgs(1), true,
		func(cmd *cobra.Command, c *control.Client, args []string, asJSON bool) error {
			req := control.RelayStakeRequest{Action: control.StakeWithdraw}
			switch {
			case unlockWithdraw && len(args) == 0:
			case !unlockWithdraw && len(args) == 1:
				if _, err := control.ParseAmount(args[0]); err != nil {
					return err
				}
				req = control.RelayStakeRequest{Action: control.StakeRemove, Amount: args[0]}
			default:
				return fmt.Errorf("%w: unstake AMOUNT, or unstake --withdraw", control.ErrBadRequest)
			}
			s, err := c.RelayStakeChange(cmd.Context(), req)
			if err != nil {
				return err
			}
			return printStake(cmd.OutOrStdout(), s, asJSON)
		})
	unstake.Flags().BoolVar(&unlockWithdraw, "withdraw", false, "take out the unstaked ether whose delay has run out")
	cmd.AddCommand(status, score, claim, stake, unstake)
	return cmd
}

func printStake(w io.Writer, s control.RelayStake, asJSON bool) error {
	if asJSON {
		return printJSON(w, s)
	}
	if s.Tx != "" {
		fmt.Fprintf(w, "tx        %s\n", s.Tx)
	}
	if s.Withdrawn != "" {
		fmt.Fprintf(w, "withdrawn %s\n", amountText(s.Withdrawn, ""))
	}
	fmt.Fprintf(w, "wallet    %s\ncontract  %s\nstaked    %s: backs %d bytes an epoch (%d per ether)\n", s.Wallet, s.Contract, amountText(s.Staked, ""), s.BytesPerEpoch, s.BytesPerEther)
	switch {
	case s.Unstaking == "0" || s.Unstaking == "":
		fmt.Fprintf(w, "unstaking none (the delay is %s)\n", time.Duration(s.DelaySecs)*time.Second)
	default:
		fmt.Fprintf(w, "unstaking %s, withdrawable from %s (anynet relay unstake --withdraw)\n", amountText(s.Unstaking, ""), s.UnlockAt)
	}
	return nil
}

// eth formats decimal wei as ether.
func eth(wei string) string {
	v, ok := new(big.Int).SetString(wei, 10)
	if !ok {
		return wei + " wei"
	}
	f := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18))
	return f.Text('f', 12) + " ETH"
}

func ppmText(v uint64) string { return fmt.Sprintf("%d.%02d %%", v/10_000, v%10_000/100) }

func printRelayStatus(w io.Writer, s control.RelayStatus) error {
	roles := s.Roles
	if roles == "" {
		roles = "endpoint only"
	}
	fmt.Fprintf(w, "wallet    %s\nroles     %s\nepoch     %d (%ds, ends %s)\n", s.Wallet, roles, s.Epoch, s.EpochSecs, s.EpochEnds)
	fmt.Fprintf(w, "rules     %s per GiB, Guardian fee %d bps (%s), before settlement\n", eth(s.PricePerGiB), s.FeeBps, ppmText(s.FeeBps*100))
	if s.Contract != "" {
		fmt.Fprintf(w, "contract  %s\nbalance   %s claimed, not withdrawn\n", s.Contract, eth(s.Balance))
		if s.Stake != "" {
			fmt.Fprintf(w, "stake     %s: backs %d bytes an epoch (anynet relay stake)\n", eth(s.Stake), s.Ceiling)
		}
	} else {
		fmt.Fprintln(w, "contract  none: off chain")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(s.Pending) > 0 {
		fmt.Fprintln(w, "\npending (before settlement, at full availability):")
		fmt.Fprintln(tw, "EPOCH\tENDPOINTS\tBYTES\tGROSS\tFEE\tNET")
		for _, p := range s.Pending {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\n", p.Epoch, p.Endpoints, p.Bytes, eth(p.Gross), eth(p.Fee), eth(p.Net))
		}
		tw.Flush()
	}
	if len(s.Scores) > 0 {
		fmt.Fprintln(w, "\nscores (recomputed from published evidence):")
		fmt.Fprintln(tw, "EPOCH\tSTATUS\tBYTES\tPROBES\tNET\tFEE\tROOT\tCLAIM\tWHY")
		for _, e := range s.Scores {
			root := "MISMATCH"
			if e.Match {
				root = "match"
			}
			fmt.Fprintf(tw, "%d\t%s\t%d\t%d/%d\t%s\t%s\t%s\t%s\t%s\n", e.Epoch, e.Status, e.Delivered, e.Answered, e.Probes, eth(e.Net), eth(e.Fee), root, orDash(e.ClaimTx), e.Why)
		}
		tw.Flush()
	}
	if len(s.Probes) > 0 {
		fmt.Fprintln(w, "\nprobes sent:")
		fmt.Fprintln(tw, "EPOCH\tEDGE\tANSWERED\tRTT")
		for _, p := range s.Probes {
			fmt.Fprintf(tw, "%d\t%s\t%d/%d\t%.1f ms\n", p.Epoch, p.Edge, p.Answered, p.Probes, float64(p.RTTMicro)/1000)
		}
		tw.Flush()
	}
	if len(s.Settled) > 0 {
		fmt.Fprintln(w, "\nsettled epochs:")
		fmt.Fprintln(tw, "EPOCH\tEDGES\tRECEIPTS\tPROBES\tTOTAL\tROOT\tCOMMIT")
		for _, e := range s.Settled {
			commit := orDash(e.Tx)
			if e.CommitErr != "" {
				commit = "failed: " + e.CommitErr
			}
			fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%s\t%s\t%s\n", e.Epoch, e.Edges, e.Receipts, e.Probes, eth(e.Total), e.Root, commit)
		}
		tw.Flush()
	}
	return nil
}

func printRelayScore(w io.Writer, s control.RelayScore) {
	fmt.Fprintf(w, "epoch %d, evidence of Guardian %s: %d receipts, %d probe results\n", s.Epoch, s.Guardian, s.Receipts, s.Probes)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EDGE\tSTATUS\tBYTES\tBACKED\tCEILING\tENDPOINTS\tPROBES\tAVAIL\tGROSS\tFEE\tNET\tWHY")
	for _, e := range s.Edges {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d/%d\t%s\t%s\t%s\t%s\t%s\n", e.Edge, e.Status, e.Delivered, e.Backed, e.Ceiling, e.Endpoints, e.Answered, e.Probes, ppmText(e.AvailPPM), eth(e.Gross), eth(e.Fee), eth(e.Net), e.Why)
	}
	tw.Flush()
	if s.BytesPerEther > 0 {
		stakes := "match the contract's"
		if !s.StakesMatch {
			stakes = "MISMATCH with the contract's"
		}
		fmt.Fprintf(w, "stakes at block %d (%d bytes an epoch per ether): %s\n", s.StakeBlock, s.BytesPerEther, stakes)
	}
	fmt.Fprintf(w, "recomputed root %s, total %s\n", s.Root, eth(s.Total))
	fmt.Fprintf(w, "on chain   root %s, total %s\n", s.OnChain, eth(s.OnChainTotal))
	if s.Match {
		fmt.Fprintln(w, "match")
	} else {
		fmt.Fprintln(w, "MISMATCH")
	}
}
