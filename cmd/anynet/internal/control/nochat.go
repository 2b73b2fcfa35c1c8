package control

import (
	"context"
	"fmt"
)

// noChat answers the ChatBackend endpoints of a Backend without them.
type noChat struct{}

var (
	_ ChatBackend      = noChat{}
	_ CommunityBackend = noChat{}
)

var errNoChat = fmt.Errorf("%w: this process runs no chat service", ErrUnsupported)

func (noChat) ChatRequests(context.Context) ([]ChatConversation, error) { return nil, errNoChat }
func (noChat) ChatConsent(context.Context, string, string) error        { return errNoChat }
func (noChat) ChatMarkRead(context.Context, string) error               { return errNoChat }
func (noChat) ChatSendID(context.Context, string, string, string) (ChatMessage, error) {
	return ChatMessage{}, errNoChat
}
func (noChat) ChatSendFile(context.Context, string, string) (ChatMessage, error) {
	return ChatMessage{}, errNoChat
}
func (noChat) ChatGet(context.Context, string, string, func(int64, int64)) (ChatFile, error) {
	return ChatFile{}, errNoChat
}
func (noChat) GroupCreate(context.Context, string, []string) (ChatGroup, error) {
	return ChatGroup{}, errNoChat
}
func (noChat) GroupInvite(context.Context, string, string) (ChatGroup, error) {
	return ChatGroup{}, errNoChat
}
func (noChat) GroupRemove(context.Context, string, string) (ChatGroup, error) {
	return ChatGroup{}, errNoChat
}
func (noChat) GroupLeave(context.Context, string) error  { return errNoChat }
func (noChat) GroupAccept(context.Context, string) error { return errNoChat }
func (noChat) GroupSend(context.Context, string, string) (ChatMessage, error) {
	return ChatMessage{}, errNoChat
}
func (noChat) GroupList(context.Context) ([]ChatGroup, error) { return nil, errNoChat }
func (noChat) GroupRead(context.Context, string, int) ([]ChatMessage, error) {
	return nil, errNoChat
}

func (noChat) CommunityCreate(context.Context, string) (ChatCommunity, error) {
	return ChatCommunity{}, errNoChat
}
func (noChat) CommunityJoin(context.Context, string, string) (ChatCommunity, error) {
	return ChatCommunity{}, errNoChat
}
func (noChat) CommunityPost(context.Context, string, string) (ChatPost, error) {
	return ChatPost{}, errNoChat
}
func (noChat) CommunityRead(context.Context, string, int) ([]ChatPost, error) {
	return nil, errNoChat
}
func (noChat) CommunityList(context.Context) ([]ChatCommunity, error) { return nil, errNoChat }
func (noChat) CommunityLeave(context.Context, string) error           { return errNoChat }
func (noChat) CommunityBan(context.Context, string, string) error     { return errNoChat }
func (noChat) CommunityDelete(context.Context, string, string) error  { return errNoChat }
func (noChat) Call(context.Context, string, string, int) (CallResult, error) {
	return CallResult{}, errNoChat
}
