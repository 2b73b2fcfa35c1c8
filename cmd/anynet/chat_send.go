package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/progressbar"
	"github.com/spf13/cobra"
)

// chatSend is "chat send NAME TEXT…" or "chat send NAME --file PATH".
func chatSend() *cobra.Command {
	var file, id string
	cmd := verb("send NAME [TEXT…]", "Send a message, or with --file a file, to a name or 0x wallet", cobra.MinimumNArgs(1), false,
		func(cmd *cobra.Command, c *control.Client, args []string, _ bool) error {
			var (
				m   control.ChatMessage
				err error
			)
			switch {
			case file != "" && len(args) > 1:
				return fmt.Errorf("send either TEXT or --file, not both")
			case file != "" && id != "":
				return fmt.Errorf("--id is for texts; a file offer is not resent by id")
			case file != "":
				abs, aerr := filepath.Abs(file)
				if aerr != nil {
					return aerr
				}
				m, err = c.ChatSendFile(cmd.Context(), args[0], abs)
			case len(args) == 1:
				return fmt.Errorf("send what? give a TEXT or --file PATH")
			case id != "":
				m, err = c.ChatSendID(cmd.Context(), args[0], id, strings.Join(args[1:], " "))
			default:
				m, err = c.ChatSend(cmd.Context(), args[0], strings.Join(args[1:], " "))
			}
			if err != nil {
				return err
			}
			text := m.Text
			if a := m.Attachment; a != nil {
				text = fmt.Sprintf("file %s (%s), id %s", a.Name, size(a.Size), m.ID)
			}
			from := short(m.From)
			if st, err := c.Status(cmd.Context()); err == nil && st.Name != "" {
				from = st.Name // this node's verified name
			}
			state := m.Status
			switch m.Status {
			case control.StatusSent:
				state = "deposited at its mailbox"
			case control.StatusQueued:
				state = "queued for retry: " + m.Error
			}
			// Exit 0 but for a refusal (an error above): a queued message
			// goes on its own; resending it with --id ID never duplicates it.
			fmt.Fprintf(cmd.OutOrStdout(), "%s → %s: %s [%s] id %s\n", from, args[0], text, state, m.ID)
			return nil
		})
	cmd.Flags().StringVarP(&file, "file", "f", "", "offer this file (it must stay there until the recipient fetched it)")
	cmd.Flags().StringVar(&id, "id", "", "the message's id (32 hex digits): sending the same id again never delivers it twice")
	return cmd
}

// size formats a byte count.
func size(n int64) string { return progressbar.Bytes(n) }
