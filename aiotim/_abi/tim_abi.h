/*
 * tim_abi.h: the TIM C API of libImSDK 8.x (im_electron_sdk 8.0.5906), adapted for C.
 *
 * Prototypes and callback typedefs are facts read from the vendor's headers (file:line in the
 * comments); the C++-isms are adapted for C: enum tags spelled out, `()` written `(void)`,
 * `bool` from <stdbool.h>. This file is the single source of truth of the binding: the cffi
 * build turns every prototype into a function-pointer type resolved with dlsym at run time,
 * the relay generator makes one trampoline per callback typedef, and `aiotim._abi`
 * parses it for FUNCTIONS / CALLBACK_SETTERS. Adding a function is adding its line here.
 *
 * Only the enums that appear in a signature are declared here; every enum lives in
 * aiotim/enums.py as an IntEnum.
 */
#ifndef AIOTIM_TIM_ABI_H
#define AIOTIM_TIM_ABI_H

#include <stdbool.h>
#include <stdint.h>

/* ---- enums used in signatures ---- */
enum TIMConvType { kTIMConv_Invalid = 0, kTIMConv_C2C = 1, kTIMConv_Group = 2, kTIMConv_System = 3 };
enum TIMNetworkStatus { kTIMConnected = 0, kTIMDisconnected = 1, kTIMConnecting = 2, kTIMConnectFailed = 3 };
enum TIMLoginStatus { kTIMLoginStatus_Logined = 1, kTIMLoginStatus_Logining = 2, kTIMLoginStatus_UnLogined = 3, kTIMLoginStatus_Logouting = 4 };
enum TIMLogLevel { kTIMLog_Off = 0, kTIMLog_Test = 1, kTIMLog_Verbose = 2, kTIMLog_Debug = 3, kTIMLog_Info = 4, kTIMLog_Warn = 5, kTIMLog_Error = 6, kTIMLog_Assert = 7 };
enum TIMConvEvent { kTIMConvEvent_Add = 0, kTIMConvEvent_Del = 1, kTIMConvEvent_Update = 2, kTIMConvEvent_Start = 3, kTIMConvEvent_Finish = 4 };
enum TIMReceiveMessageOpt { kTIMRecvMsgOpt_Receive = 0, kTIMRecvMsgOpt_Not_Receive = 1, kTIMRecvMsgOpt_Not_Notify = 2, kTIMRecvMsgOpt_Not_Notify_Except_At = 3 };
enum TIMGroupMessageReadMembersFilter { TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ = 0, TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_UNREAD = 1 };

/* ---- callback typedefs (72) ---- */
/* TIMCloudDef.h:75 */
typedef void (*TIMCommCallback)(int32_t code, const char* desc, const char* json_params, const void* user_data);
/* TIMCommunityManager.h:123 */
typedef void (*TIMCommunityCreateTopicCallback)(const char* group_id, const char* topic_id, const void* user_data);
/* TIMCommunityManager.h:131 */
typedef void (*TIMCommunityDeleteTopicCallback)(const char* group_id, const char* topic_id_array, const void* user_data);
/* TIMCommunityManager.h:139 */
typedef void (*TIMCommunityChangeTopicInfoCallback)(const char* group_id, const char* topic_info, const void* user_data);
/* TIMCommunityManager.h:145 */
typedef void (*TIMCommunityReceiveTopicRESTCustomDataCallback)(const char* topic_id, const char* custom_data, const void* user_data);
/* TIMCommunityManager.h:151 */
typedef void (*TIMCommunityCreatePermissionGroupCallback)(const char* group_id, const char* permission_group_info, const void* user_data);
/* TIMCommunityManager.h:157 */
typedef void (*TIMCommunityDeletePermissionGroupCallback)(const char* group_id, const char* permission_group_id_array, const void* user_data);
/* TIMCommunityManager.h:163 */
typedef void (*TIMCommunityChangePermissionGroupInfoCallback)(const char* group_id, const char* permission_group_info, const void* user_data);
/* TIMCommunityManager.h:169 */
typedef void (*TIMCommunityAddMembersToPermissionGroupCallback)(const char* group_id, const char* json_result, const void* user_data);
/* TIMCommunityManager.h:175 */
typedef void (*TIMCommunityRemoveMembersFromPermissionGroupCallback)(const char* group_id, const char* json_result, const void* user_data);
/* TIMCommunityManager.h:181 */
typedef void (*TIMCommunityAddTopicPermissionCallback)(const char* group_id, const char* json_result, const void* user_data);
/* TIMCommunityManager.h:187 */
typedef void (*TIMCommunityDeleteTopicPermissionCallback)(const char* group_id, const char* json_result, const void* user_data);
/* TIMCommunityManager.h:193 */
typedef void (*TIMCommunityModifyTopicPermissionCallback)(const char* group_id, const char* json_result, const void* user_data);
/* TIMConversationManager.h:163 */
typedef void (*TIMConvEventCallback)(enum TIMConvEvent conv_event, const char* json_conv_array, const void* user_data);
/* TIMConversationManager.h:171 */
typedef void (*TIMConvTotalUnreadMessageCountChangedCallback)(int total_unread_count, const void* user_data);
/* TIMConversationManager.h:180 */
typedef void (*TIMConvTotalUnreadMessageCountChangedByFilterCallback)(const char* filter, int total_unread_count, const void* user_data);
/* TIMConversationManager.h:195 */
typedef void (*TIMConvConversationGroupCreatedCallback)(const char* group_name, const char* conversation_array, const void* user_data);
/* TIMConversationManager.h:203 */
typedef void (*TIMConvConversationGroupDeletedCallback)(const char* group_name, const void* user_data);
/* TIMConversationManager.h:212 */
typedef void (*TIMConvConversationGroupNameChangedCallback)(const char* old_name, const char* new_name, const void* user_data);
/* TIMConversationManager.h:221 */
typedef void (*TIMConvConversationsAddedToGroupCallback)(const char* group_name, const char* conversation_array, const void* user_data);
/* TIMConversationManager.h:235 */
typedef void (*TIMConvConversationsDeletedFromGroupCallback)(const char* group_name, const char* conversation_array, uint32_t reason, const void* user_data);
/* TIMExperimentalAPI.h:41 */
typedef void (*TIMExperimentalNotifyCallback)(const char* key, const char* data, const void* user_data);
/* TIMFriendshipManager.h:125 */
typedef void (*TIMOnAddFriendCallback)(const char* json_identifier_array, const void* user_data);
/* TIMFriendshipManager.h:138 */
typedef void (*TIMOnDeleteFriendCallback)(const char* json_identifier_array, const void* user_data);
/* TIMFriendshipManager.h:159 */
typedef void (*TIMUpdateFriendProfileCallback)(const char* json_friend_profile_update_array, const void* user_data);
/* TIMFriendshipManager.h:179 */
typedef void (*TIMFriendAddRequestCallback)(const char* json_friend_add_request_pendency_array, const void* user_data);
/* TIMFriendshipManager.h:199 */
typedef void (*TIMFriendApplicationListDeletedCallback)(const char* json_identifier_array, const void* user_data);
/* TIMFriendshipManager.h:209 */
typedef void (*TIMFriendApplicationListReadCallback)(const void* user_data);
/* TIMFriendshipManager.h:250 */
typedef void (*TIMFriendBlackListAddedCallback)(const char* json_friend_black_added_array, const void* user_data);
/* TIMFriendshipManager.h:263 */
typedef void (*TIMFriendBlackListDeletedCallback)(const char* json_identifier_array, const void* user_data);
/* TIMFriendshipManager.h:272 */
typedef void (*TIMFriendGroupCreatedCallback)(const char* group_name, const char* json_friend_info_array, const void* user_data);
/* TIMFriendshipManager.h:279 */
typedef void (*TIMFriendGroupDeletedCallback)(const char* json_group_name_array, const void* user_data);
/* TIMFriendshipManager.h:288 */
typedef void (*TIMFriendGroupNameChangedCallback)(const char* old_group_name, const char* new_group_name, const void* user_data);
/* TIMFriendshipManager.h:297 */
typedef void (*TIMFriendsAddedToGroupCallback)(const char* group_name, const char* json_friend_info_array, const void* user_data);
/* TIMFriendshipManager.h:306 */
typedef void (*TIMFriendsDeletedFromGroupCallback)(const char* group_name, const char* json_friend_id_array, const void* user_data);
/* TIMFriendshipManager.h:314 */
typedef void (*TIMOfficialAccountSubscribedCallback)(const char* json_official_account_info, const void* user_data);
/* TIMFriendshipManager.h:322 */
typedef void (*TIMOfficialAccountUnsubscribedCallback)(const char* official_account_id, const void* user_data);
/* TIMFriendshipManager.h:330 */
typedef void (*TIMOfficialAccountDeletedCallback)(const char* official_account_id, const void* user_data);
/* TIMFriendshipManager.h:338 */
typedef void (*TIMOfficialAccountInfoChangedCallback)(const char* json_official_account_info, const void* user_data);
/* TIMFriendshipManager.h:347 */
typedef void (*TIMMyFollowingListChangedCallback)(const char* json_user_info_list, bool is_add, const void* user_data);
/* TIMFriendshipManager.h:356 */
typedef void (*TIMMyFollowersListChangedCallback)(const char* json_user_info_list, bool is_add, const void* user_data);
/* TIMFriendshipManager.h:365 */
typedef void (*TIMMutualFollowersListChangedCallback)(const char* json_user_info_list, bool is_add, const void* user_data);
/* TIMGroupManager.h:285 */
typedef void (*TIMGroupTipsEventCallback)(const char* json_group_tip, const void* user_data);
/* TIMGroupManager.h:298 */
typedef void (*TIMGroupAttributeChangedCallback)(const char* group_id, const char* json_group_attribute_array, const void* user_data);
/* TIMGroupManager.h:307 */
typedef void (*TIMGroupCounterChangedCallback)(const char* group_id, const char* group_counter_key, int64_t group_counter_new_value, const void* user_data);
/* TIMGroupManager.h:314 */
typedef void (*TIMGroupTopicCreatedCallback)(const char* group_id, const char* topic_id, const void* user_data);
/* TIMGroupManager.h:322 */
typedef void (*TIMGroupTopicDeletedCallback)(const char* group_id, const char* topic_id_array, const void* user_data);
/* TIMGroupManager.h:329 */
typedef void (*TIMGroupTopicChangedCallback)(const char* group_id, const char* topic_info, const void* user_data);
/* TIMManager.h:159 */
typedef void (*TIMNetworkStatusListenerCallback)(enum TIMNetworkStatus status, int32_t code, const char* desc, const void* user_data);
/* TIMManager.h:166 */
typedef void (*TIMKickedOfflineCallback)(const void* user_data);
/* TIMManager.h:173 */
typedef void (*TIMUserSigExpiredCallback)(const void* user_data);
/* TIMManager.h:181 */
typedef void (*TIMSelfInfoUpdatedCallback)(const char* json_user_profile, const void* user_data);
/* TIMManager.h:189 */
typedef void (*TIMUserStatusChangedCallback)(const char* json_user_status_array, const void* user_data);
/* TIMManager.h:197 */
typedef void (*TIMUserInfoChangedCallback)(const char* json_user_info_array, const void* user_data);
/* TIMManager.h:206 */
typedef void (*TIMLogCallback)(enum TIMLogLevel level, const char* log, const void* user_data);
/* TIMMessageManager.h:373 */
typedef void (*TIMRecvNewMsgCallback)(const char* json_msg_array, const void* user_data);
/* TIMMessageManager.h:417 */
typedef void (*TIMMsgElemUploadProgressCallback)(const char* json_msg, uint32_t index, uint32_t cur_size, uint32_t total_size, const void* user_data);
/* TIMMessageManager.h:450 */
typedef void (*TIMMsgGroupMessageReadMemberListCallback)(const char* json_group_member_array, uint64_t next_seq, bool is_finished, const void* user_data);
/* TIMMessageManager.h:486 */
typedef void (*TIMMsgReadedReceiptCallback)(const char* json_msg_read_receipt_array, const void* user_data);
/* TIMMessageManager.h:530 */
typedef void (*TIMMsgRevokeCallback)(const char* json_msg_revoke_info_array, const void* user_data);
/* TIMMessageManager.h:541 */
typedef void (*TIMMsgUpdateCallback)(const char* json_msg_array, const void* user_data);
/* TIMMessageManager.h:564 */
typedef void (*TIMMsgExtensionsChangedCallback)(const char* message_id, const char* message_extension_array, const void* user_data);
/* TIMMessageManager.h:582 */
typedef void (*TIMMsgExtensionsDeletedCallback)(const char* message_id, const char* message_extension_key_array, const void* user_data);
/* TIMMessageManager.h:616 */
typedef void (*TIMMsgReactionsChangedCallback)(const char* message_reaction_change_info_array, const void* user_data);
/* TIMMessageManager.h:624 */
typedef void (*TIMMsgAllMessageReceiveOptionCallback)(const char* json_receive_message_option_info, const void* user_data);
/* TIMMessageManager.h:637 */
typedef void (*TIMMsgGroupPinnedMessageChangedCallback)(const char* group_id, const char* json_msg, bool is_pinned, const char* op_user, const void* user_data);
/* TIMSignalingManager.h:67 */
typedef void (*TIMSignalingReceiveNewInvitationCallback)(const char* invite_id, const char* inviter, const char* group_id, const char* json_invitee_list, const char* data, const void* user_data);
/* TIMSignalingManager.h:78 */
typedef void (*TIMSignalingInvitationCancelledCallback)(const char* invite_id, const char* inviter, const char* data, const void* user_data);
/* TIMSignalingManager.h:88 */
typedef void (*TIMSignalingInviteeAcceptedCallback)(const char* invite_id, const char* invitee, const char* data, const void* user_data);
/* TIMSignalingManager.h:98 */
typedef void (*TIMSignalingInviteeRejectedCallback)(const char* invite_id, const char* invitee, const char* data, const void* user_data);
/* TIMSignalingManager.h:107 */
typedef void (*TIMSignalingInvitationTimeoutCallback)(const char* invite_id, const char* json_invitee_list, const void* user_data);
/* TIMSignalingManager.h:116 */
typedef void (*TIMSignalingInvitationModifiedCallback)(const char* invite_id, const char* data, const void* user_data);

/* ---- functions (240) ---- */
/* TIMCommunityManager.h */
void TIMSetCommunityCreateTopicCallback(TIMCommunityCreateTopicCallback cb, const void* user_data); /* :207 */
void TIMSetCommunityDeleteTopicCallback(TIMCommunityDeleteTopicCallback cb, const void* user_data); /* :215 */
void TIMSetCommunityChangeTopicInfoCallback(TIMCommunityChangeTopicInfoCallback cb, const void* user_data); /* :223 */
void TIMSetCommunityReceiveTopicRESTCustomDataCallback(TIMCommunityReceiveTopicRESTCustomDataCallback cb, const void* user_data); /* :230 */
void TIMSetCommunityCreatePermissionGroupCallback(TIMCommunityCreatePermissionGroupCallback cb, const void* user_data); /* :238 */
void TIMSetCommunityDeletePermissionGroupCallback(TIMCommunityDeletePermissionGroupCallback cb, const void* user_data); /* :246 */
void TIMSetCommunityChangePermissionGroupInfoCallback(TIMCommunityChangePermissionGroupInfoCallback cb, const void* user_data); /* :254 */
void TIMSetCommunityAddMembersToPermissionGroupCallback(TIMCommunityAddMembersToPermissionGroupCallback cb, const void* user_data); /* :262 */
void TIMSetCommunityRemoveMembersFromPermissionGroupCallback(TIMCommunityRemoveMembersFromPermissionGroupCallback cb, const void* user_data); /* :270 */
void TIMSetCommunityAddTopicPermissionCallback(TIMCommunityAddTopicPermissionCallback cb, const void* user_data); /* :278 */
void TIMSetCommunityDeleteTopicPermissionCallback(TIMCommunityDeleteTopicPermissionCallback cb, const void* user_data); /* :286 */
void TIMSetCommunityModifyTopicPermissionCallback(TIMCommunityModifyTopicPermissionCallback cb, const void* user_data); /* :294 */
int TIMCommunityCreate(const char* json_group_create_param, TIMCommCallback cb, const void* user_data); /* :360 */
int TIMCommunityGetJoinedCommunityList(TIMCommCallback cb, const void* user_data); /* :375 */
int TIMCommunityCreateTopicInCommunity(const char* group_id, const char* json_topic_info, TIMCommCallback cb, const void* user_data); /* :399 */
int TIMCommunityDeleteTopicFromCommunity(const char* group_id, const char* json_topic_id_array, TIMCommCallback cb, const void* user_data); /* :424 */
int TIMCommunitySetTopicInfo(const char* json_topic_info, TIMCommCallback cb, const void* user_data); /* :449 */
int TIMCommunityGetTopicInfoList(const char* group_id, const char* json_topic_id_array, TIMCommCallback cb, const void* user_data); /* :475 */
int TIMCommunityCreatePermissionGroupInCommunity(const char* json_permission_group_info, TIMCommCallback cb, const void* user_data); /* :505 */
int TIMCommunityDeletePermissionGroupFromCommunity(const char* group_id, const char* json_permission_group_id_array, TIMCommCallback cb, const void* user_data); /* :531 */
int TIMCommunityModifyPermissionGroupInfoInCommunity(const char* json_permission_group_info, TIMCommCallback cb, const void* user_data); /* :558 */
int TIMCommunityGetJoinedPermissionGroupListInCommunity(const char* group_id, TIMCommCallback cb, const void* user_data); /* :578 */
int TIMCommunityGetPermissionGroupListInCommunity(const char* group_id, const char* json_permission_group_id_array, TIMCommCallback cb, const void* user_data); /* :606 */
int TIMCommunityAddCommunityMembersToPermissionGroup(const char* group_id, const char* permission_group_id, const char* json_member_id_array, TIMCommCallback cb, const void* user_data); /* :636 */
int TIMCommunityRemoveCommunityMembersFromPermissionGroup(const char* group_id, const char* permission_group_id, const char* json_member_id_array, TIMCommCallback cb, const void* user_data); /* :666 */
int TIMCommunityGetCommunityMemberListInPermissionGroup(const char* group_id, const char* permission_group_id, const char* next_cursor, TIMCommCallback cb, const void* user_data); /* :693 */
int TIMCommunityAddTopicPermissionToPermissionGroup(const char* group_id, const char* permission_group_id, const char* json_topic_permission_map, TIMCommCallback cb, const void* user_data); /* :725 */
int TIMCommunityDeleteTopicPermissionFromPermissionGroup(const char* group_id, const char* permission_group_id, const char* json_topic_id_array, TIMCommCallback cb, const void* user_data); /* :755 */
int TIMCommunityModifyTopicPermissionInPermissionGroup(const char* group_id, const char* permission_group_id, const char* json_topic_permission_map, TIMCommCallback cb, const void* user_data); /* :787 */
int TIMCommunityGetTopicPermissionInPermissionGroup(const char* group_id, const char* permission_group_id, const char* json_topic_id_array, TIMCommCallback cb, const void* user_data); /* :817 */

/* TIMConversationManager.h */
void TIMSetConvEventCallback(TIMConvEventCallback cb, const void* user_data); /* :259 */
void TIMSetConvTotalUnreadMessageCountChangedCallback(TIMConvTotalUnreadMessageCountChangedCallback cb, const void* user_data); /* :271 */
void TIMSetConvUnreadMessageCountChangedByFilterCallback(TIMConvTotalUnreadMessageCountChangedByFilterCallback cb, const void* user_data); /* :284 */
void TIMSetConvConversationGroupCreatedCallback(TIMConvConversationGroupCreatedCallback cb, const void* user_data); /* :298 */
void TIMSetConvConversationGroupDeletedCallback(TIMConvConversationGroupDeletedCallback cb, const void* user_data); /* :306 */
void TIMSetConvConversationGroupNameChangedCallback(TIMConvConversationGroupNameChangedCallback cb, const void* user_data); /* :314 */
void TIMSetConvConversationsAddedToGroupCallback(TIMConvConversationsAddedToGroupCallback cb, const void* user_data); /* :322 */
void TIMSetConvConversationsDeletedFromGroupCallback(TIMConvConversationsDeletedFromGroupCallback cb, const void* user_data); /* :330 */
int TIMConvGetConvList(TIMCommCallback cb, const void* user_data); /* :344 */
int TIMConvGetConvInfo(const char* json_get_conv_list_param, TIMCommCallback cb, const void* user_data); /* :420 */
int TIMConvGetConversationListByFilter(const char* filter, uint64_t next_seq, uint32_t count, TIMCommCallback cb, const void* user_data); /* :461 */
int TIMConvDelete(const char* conv_id, enum TIMConvType conv_type, TIMCommCallback cb, const void* user_data); /* :475 */
int TIMConvDeleteConversationList(const char* conversation_id_array, bool clear_message, TIMCommCallback cb, const void* user_data); /* :503 */
int TIMConvSetDraft(const char* conv_id, enum TIMConvType conv_type, const char* json_draft_param); /* :548 */
int TIMConvCancelDraft(const char* conv_id, enum TIMConvType conv_type); /* :557 */
int TIMConvSetConversationCustomData(const char* conversation_id_array, const char* custom_data, TIMCommCallback cb, const void* user_data); /* :583 */
int TIMConvPinConversation(const char* conv_id, enum TIMConvType conv_type, bool is_pinned, TIMCommCallback cb, const void* user_data); /* :604 */
int TIMConvMarkConversation(const char* conversation_id_array, uint64_t mark_type, bool enable_mark, TIMCommCallback cb, const void* user_data); /* :639 */
int TIMConvGetTotalUnreadMessageCount(TIMCommCallback cb, const void* user_data); /* :661 */
int TIMConvGetUnreadMessageCountByFilter(const char* filter, TIMCommCallback cb, const void* user_data); /* :689 */
int TIMConvSubscribeUnreadMessageCountByFilter(const char* filter); /* :712 */
int TIMConvUnsubscribeUnreadMessageCountByFilter(const char* filter); /* :732 */
int TIMConvCleanConversationUnreadMessageCount(const char* conversation_id, uint64_t clean_timestamp, uint64_t clean_sequence, TIMCommCallback cb, const void* user_data); /* :758 */
int TIMConvCreateConversationGroup(const char* group_name, const char* conversation_id_array, TIMCommCallback cb, const void* user_data); /* :793 */
int TIMConvGetConversationGroupList(TIMCommCallback cb, const void* user_data); /* :819 */
int TIMConvDeleteConversationGroup(const char* group_name, TIMCommCallback cb, const void* user_data); /* :838 */
int TIMConvRenameConversationGroup(const char* old_name, const char* new_name, TIMCommCallback cb, const void* user_data); /* :859 */
int TIMConvAddConversationsToGroup(const char* group_name, const char* conversation_id_array, TIMCommCallback cb, const void* user_data); /* :885 */
int TIMConvDeleteConversationsFromGroup(const char* group_name, const char* conversation_id_array, TIMCommCallback cb, const void* user_data); /* :911 */
int TIMConvCreate(const char* conv_id, enum TIMConvType conv_type, TIMCommCallback cb, const void* user_data); /* :1081 */

/* TIMExperimentalAPI.h */
void TIMSetExperimentalNotifyCallback(TIMExperimentalNotifyCallback cb, const void* user_data); /* :54 */
int callExperimentalAPI(const char* json_param, TIMCommCallback cb, const void* user_data); /* :67 */

/* TIMFriendshipManager.h */
void TIMSetOnAddFriendCallback(TIMOnAddFriendCallback cb, const void* user_data); /* :381 */
void TIMSetOnDeleteFriendCallback(TIMOnDeleteFriendCallback cb, const void* user_data); /* :392 */
void TIMSetUpdateFriendProfileCallback(TIMUpdateFriendProfileCallback cb, const void* user_data); /* :403 */
void TIMSetFriendAddRequestCallback(TIMFriendAddRequestCallback cb, const void* user_data); /* :414 */
void TIMSetFriendApplicationListDeletedCallback(TIMFriendApplicationListDeletedCallback cb, const void* user_data); /* :429 */
void TIMSetFriendApplicationListReadCallback(TIMFriendApplicationListReadCallback cb, const void* user_data); /* :440 */
void TIMSetFriendBlackListAddedCallback(TIMFriendBlackListAddedCallback cb, const void* user_data); /* :448 */
void TIMSetFriendBlackListDeletedCallback(TIMFriendBlackListDeletedCallback cb, const void* user_data); /* :456 */
void TIMSetFriendGroupCreatedCallback(TIMFriendGroupCreatedCallback cb, const void* user_data); /* :464 */
void TIMSetFriendGroupDeletedCallback(TIMFriendGroupDeletedCallback cb, const void* user_data); /* :472 */
void TIMSetFriendGroupNameChangedCallback(TIMFriendGroupNameChangedCallback cb, const void* user_data); /* :480 */
void TIMSetFriendsAddedToGroupCallback(TIMFriendsAddedToGroupCallback cb, const void* user_data); /* :488 */
void TIMSetFriendsDeletedFromGroupCallback(TIMFriendsDeletedFromGroupCallback cb, const void* user_data); /* :496 */
void TIMSetOfficialAccountSubscribedCallback(TIMOfficialAccountSubscribedCallback cb, const void* user_data); /* :504 */
void TIMSetOfficialAccountUnsubscribedCallback(TIMOfficialAccountUnsubscribedCallback cb, const void* user_data); /* :512 */
void TIMSetOfficialAccountDeletedCallback(TIMOfficialAccountDeletedCallback cb, const void* user_data); /* :520 */
void TIMSetOfficialAccountInfoChangedCallback(TIMOfficialAccountInfoChangedCallback cb, const void* user_data); /* :528 */
void TIMSetMyFollowingListChangedCallback(TIMMyFollowingListChangedCallback cb, const void* user_data); /* :536 */
void TIMSetMyFollowersListChangedCallback(TIMMyFollowersListChangedCallback cb, const void* user_data); /* :544 */
void TIMSetMutualFollowersListChangedCallback(TIMMutualFollowersListChangedCallback cb, const void* user_data); /* :552 */
int TIMFriendshipGetFriendProfileList(TIMCommCallback cb, const void* user_data); /* :570 */
int TIMFriendshipGetFriendsInfo(const char* friend_id_list, TIMCommCallback cb, const void* user_data); /* :631 */
int TIMFriendshipModifyFriendProfile(const char* json_modify_friend_info_param, TIMCommCallback cb, const void* user_data); /* :670 */
int TIMFriendshipSearchFriends(const char* json_search_friends_param, TIMCommCallback cb, const void* user_data); /* :743 */
int TIMFriendshipAddFriend(const char* json_add_friend_param, TIMCommCallback cb, const void* user_data); /* :771 */
int TIMFriendshipDeleteFriend(const char* json_delete_friend_param, TIMCommCallback cb, const void* user_data); /* :800 */
int TIMFriendshipCheckFriendType(const char* json_check_friend_list_param, TIMCommCallback cb, const void* user_data); /* :826 */
int TIMFriendshipGetPendencyList(const char* json_get_pendency_list_param, TIMCommCallback cb, const void* user_data); /* :855 */
int TIMFriendshipHandleFriendAddRequest(const char* json_handle_friend_add_param, TIMCommCallback cb, const void* user_data); /* :880 */
int TIMFriendshipReportPendencyReaded(uint64_t time_stamp, TIMCommCallback cb, const void* user_data); /* :899 */
int TIMFriendshipDeletePendency(const char* json_delete_pendency_param, TIMCommCallback cb, const void* user_data); /* :922 */
int TIMFriendshipGetBlackList(TIMCommCallback cb, const void* user_data); /* :938 */
int TIMFriendshipAddToBlackList(const char* json_add_to_blacklist_param, TIMCommCallback cb, const void* user_data); /* :958 */
int TIMFriendshipDeleteFromBlackList(const char* json_delete_from_blacklist_param, TIMCommCallback cb, const void* user_data); /* :978 */
int TIMFriendshipCreateFriendGroup(const char* json_create_friend_group_param, TIMCommCallback cb, const void* user_data); /* :1014 */
int TIMFriendshipGetFriendGroupList(const char* json_get_friend_group_list_param, TIMCommCallback cb, const void* user_data); /* :1033 */
int TIMFriendshipDeleteFriendGroup(const char* json_delete_friend_group_param, TIMCommCallback cb, const void* user_data); /* :1052 */
int TIMFriendshipModifyFriendGroup(const char* json_modify_friend_group_param, TIMCommCallback cb, const void* user_data); /* :1082 */
int TIMSubscribeOfficialAccount(const char* official_account_id, TIMCommCallback cb, const void* user_data); /* :1098 */
int TIMUnsubscribeOfficialAccount(const char* unsubscribe_official_account_id, TIMCommCallback cb, const void* user_data); /* :1108 */
int TIMGetOfficialAccountsInfo(const char* json_official_account_id_list, TIMCommCallback cb, const void* user_data); /* :1118 */
int TIMFollowUser(const char* json_user_id_list, TIMCommCallback cb, const void* user_data); /* :1153 */
int TIMUnfollowUser(const char* json_user_id_list, TIMCommCallback cb, const void* user_data); /* :1182 */
int TIMGetMyFollowingList(const char* next_cursor, TIMCommCallback cb, const void* user_data); /* :1203 */
int TIMGetMyFollowersList(const char* next_cursor, TIMCommCallback cb, const void* user_data); /* :1224 */
int TIMGetMutualFollowersList(const char* next_cursor, TIMCommCallback cb, const void* user_data); /* :1245 */
int TIMGetUserFollowInfo(const char* json_user_id_list, TIMCommCallback cb, const void* user_data); /* :1269 */
int TIMCheckFollowType(const char* json_user_id_list, TIMCommCallback cb, const void* user_data); /* :1291 */

/* TIMGroupManager.h */
void TIMSetGroupTipsEventCallback(TIMGroupTipsEventCallback cb, const void* user_data); /* :345 */
void TIMSetGroupAttributeChangedCallback(TIMGroupAttributeChangedCallback cb, const void* user_data); /* :356 */
void TIMSetGroupCounterChangedCallback(TIMGroupCounterChangedCallback cb, const void* user_data); /* :367 */
void TIMSetGroupTopicCreatedCallback(TIMGroupTopicCreatedCallback cb, const void* user_data); /* :375 */
void TIMSetGroupTopicDeletedCallback(TIMGroupTopicDeletedCallback cb, const void* user_data); /* :383 */
void TIMSetGroupTopicChangedCallback(TIMGroupTopicChangedCallback cb, const void* user_data); /* :391 */
int TIMGroupCreate(const char* json_group_create_param, TIMCommCallback cb, const void* user_data); /* :453 */
int TIMGroupDelete(const char* group_id, TIMCommCallback cb, const void* user_data); /* :469 */
int TIMGroupJoin(const char* group_id, const char* hello_msg, TIMCommCallback cb, const void* user_data); /* :488 */
int TIMGroupQuit(const char* group_id, TIMCommCallback cb, const void* user_data); /* :504 */
int TIMGroupGetJoinedGroupList(TIMCommCallback cb, const void* user_data); /* :519 */
int TIMGroupGetGroupInfoList(const char* json_group_getinfo_param, TIMCommCallback cb, const void* user_data); /* :552 */
int TIMGroupSearchGroups(const char* json_group_search_groups_param, TIMCommCallback cb, const void* user_data); /* :619 */
int TIMGroupModifyGroupInfo(const char* json_group_modifyinfo_param, TIMCommCallback cb, const void* user_data); /* :678 */
int TIMGroupInitGroupAttributes(const char* group_id, const char* json_group_attributes, TIMCommCallback cb, const void* user_data); /* :714 */
int TIMGroupSetGroupAttributes(const char* group_id, const char* json_group_attributes, TIMCommCallback cb, const void* user_data); /* :743 */
int TIMGroupDeleteGroupAttributes(const char* group_id, const char* json_keys, TIMCommCallback cb, const void* user_data); /* :769 */
int TIMGroupGetGroupAttributes(const char* group_id, const char* json_keys, TIMCommCallback cb, const void* user_data); /* :803 */
int TIMGroupGetOnlineMemberCount(const char* group_id, TIMCommCallback cb, const void* user_data); /* :829 */
int TIMGroupSetGroupCounters(const char* group_id, const char* json_group_counter_array, TIMCommCallback cb, const void* user_data); /* :860 */
int TIMGroupGetGroupCounters(const char* group_id, const char* json_group_counter_key_array, TIMCommCallback cb, const void* user_data); /* :886 */
int TIMGroupIncreaseGroupCounter(const char* group_id, const char* group_counter_key, int64_t group_counter_value, TIMCommCallback cb, const void* user_data); /* :910 */
int TIMGroupDecreaseGroupCounter(const char* group_id, const char* group_counter_key, int64_t group_counter_value, TIMCommCallback cb, const void* user_data); /* :934 */
int TIMGroupGetJoinedCommunityList(TIMCommCallback cb, const void* user_data); /* :955 */
int TIMGroupCreateTopicInCommunity(const char* group_id, const char* json_topic_info, TIMCommCallback cb, const void* user_data); /* :979 */
int TIMGroupDeleteTopicFromCommunity(const char* group_id, const char* json_topic_id_array, TIMCommCallback cb, const void* user_data); /* :1003 */
int TIMGroupSetTopicInfo(const char* json_topic_info, TIMCommCallback cb, const void* user_data); /* :1027 */
int TIMGroupGetTopicInfoList(const char* group_id, const char* json_topic_id_array, TIMCommCallback cb, const void* user_data); /* :1053 */
int TIMGroupGetMemberInfoList(const char* json_group_getmeminfos_param, TIMCommCallback cb, const void* user_data); /* :1112 */
int TIMGroupSearchGroupMembers(const char* json_group_search_group_members_param, TIMCommCallback cb, const void* user_data); /* :1168 */
int TIMGroupModifyMemberInfo(const char* json_group_modifymeminfo_param, TIMCommCallback cb, const void* user_data); /* :1207 */
int TIMGroupInviteMember(const char* json_group_invite_param, TIMCommCallback cb, const void* user_data); /* :1253 */
int TIMGroupDeleteMember(const char* json_group_delete_param, TIMCommCallback cb, const void* user_data); /* :1292 */
int TIMGroupMarkGroupMemberList(const char* group_id, const char* member_array, uint32_t mark_type, bool enable_mark, TIMCommCallback cb, const void* user_data); /* :1325 */
int TIMGroupGetPendencyList(const char* json_group_getpendency_list_param, TIMCommCallback cb, const void* user_data); /* :1369 */
int TIMGroupHandlePendency(const char* json_group_handle_pendency_param, TIMCommCallback cb, const void* user_data); /* :1419 */
int TIMGroupReportPendencyReaded(uint64_t time_stamp, TIMCommCallback cb, const void* user_data); /* :1432 */

/* TIMManager.h */
void TIMSetNetworkStatusListenerCallback(TIMNetworkStatusListenerCallback cb, const void* user_data); /* :226 */
void TIMSetKickedOfflineCallback(TIMKickedOfflineCallback cb, const void* user_data); /* :245 */
void TIMSetUserSigExpiredCallback(TIMUserSigExpiredCallback cb, const void* user_data); /* :257 */
void TIMSetSelfInfoUpdatedCallback(TIMSelfInfoUpdatedCallback cb, const void* user_data); /* :265 */
void TIMSetUserStatusChangedCallback(TIMUserStatusChangedCallback cb, const void* user_data); /* :278 */
void TIMSetUserInfoChangedCallback(TIMUserInfoChangedCallback cb, const void* user_data); /* :289 */
void TIMSetLogCallback(TIMLogCallback cb, const void* user_data); /* :301 */
int TIMInit(uint64_t sdk_app_id, const char* json_sdk_config); /* :340 */
int TIMUninit(void); /* :357 */
const char* TIMGetSDKVersion(void); /* :364 */
uint64_t TIMGetServerTime(void); /* :374 */
int TIMSetConfig(const char* json_config, TIMCommCallback cb, const void* user_data); /* :438 */
int TIMLogin(const char* user_id, const char* user_sig, TIMCommCallback cb, const void* user_data); /* :458 */
int TIMLogout(TIMCommCallback cb, const void* user_data); /* :470 */
int TIMGetLoginUserID(char* user_id_buffer); /* :485 */
enum TIMLoginStatus TIMGetLoginStatus(void); /* :495 */
int TIMProfileGetUserProfileList(const char* json_get_user_profile_list_param, TIMCommCallback cb, const void* user_data); /* :528 */
int TIMProfileModifySelfUserProfile(const char* json_modify_self_user_profile_param, TIMCommCallback cb, const void* user_data); /* :560 */
int TIMSubscribeUserInfo(const char* json_user_id_list, TIMCommCallback cb, const void* user_data); /* :586 */
int TIMUnsubscribeUserInfo(const char* json_user_id_list, TIMCommCallback cb, const void* user_data); /* :609 */
int TIMGetUserStatus(const char* json_identifier_array, TIMCommCallback cb, const void* user_data); /* :632 */
int TIMSetSelfStatus(const char* json_current_user_status, TIMCommCallback cb, const void* user_data); /* :654 */
int TIMSubscribeUserStatus(const char* json_identifier_array, TIMCommCallback cb, const void* user_data); /* :680 */
int TIMUnsubscribeUserStatus(const char* json_identifier_array, TIMCommCallback cb, const void* user_data); /* :703 */

/* TIMMessageManager.h */
void TIMAddRecvNewMsgCallback(TIMRecvNewMsgCallback cb, const void* user_data); /* :655 */
void TIMRemoveRecvNewMsgCallback(TIMRecvNewMsgCallback cb); /* :665 */
void TIMSetMsgElemUploadProgressCallback(TIMMsgElemUploadProgressCallback cb, const void* user_data); /* :676 */
void TIMSetMsgReadedReceiptCallback(TIMMsgReadedReceiptCallback cb, const void* user_data); /* :687 */
void TIMSetMsgRevokeCallback(TIMMsgRevokeCallback cb, const void* user_data); /* :698 */
void TIMSetMsgUpdateCallback(TIMMsgUpdateCallback cb, const void* user_data); /* :712 */
void TIMSetMsgExtensionsChangedCallback(TIMMsgExtensionsChangedCallback cb, const void* user_data); /* :721 */
void TIMSetMsgExtensionsDeletedCallback(TIMMsgExtensionsDeletedCallback cb, const void* user_data); /* :730 */
void TIMSetMsgReactionsChangedCallback(TIMMsgReactionsChangedCallback cb, const void* user_data); /* :739 */
void TIMSetMsgAllMessageReceiveOptionCallback(TIMMsgAllMessageReceiveOptionCallback cb, const void* user_data); /* :748 */
void TIMSetMsgGroupPinnedMessageChangedCallback(TIMMsgGroupPinnedMessageChangedCallback cb, const void* user_data); /* :756 */
int TIMMsgSendMessage(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, char* message_id_buffer, TIMCommCallback cb, const void* user_data); /* :818 */
int TIMMsgCancelSend(const char* conv_id, enum TIMConvType conv_type, const char* message_id, TIMCommCallback cb, const void* user_data); /* :837 */
int TIMMsgBatchSend(const char* json_batch_send_param, TIMCommCallback cb, const void* user_data); /* :885 */
int TIMMsgDownloadElemToPath(const char* json_download_elem_param, const char* path, TIMCommCallback cb, const void* user_data); /* :914 */
int TIMMsgDownloadMergerMessage(const char* json_single_msg, TIMCommCallback cb, const void* user_data); /* :932 */
int TIMMsgSetLocalCustomData(const char* json_msg_param, TIMCommCallback cb, const void* user_data); /* :967 */
int TIMMsgSetC2CReceiveMessageOpt(const char* json_identifier_array, enum TIMReceiveMessageOpt opt, TIMCommCallback cb, const void* user_data); /* :998 */
int TIMMsgGetC2CReceiveMessageOpt(const char* json_identifier_array, TIMCommCallback cb, const void* user_data); /* :1033 */
int TIMMsgSetGroupReceiveMessageOpt(const char* group_id, enum TIMReceiveMessageOpt opt, TIMCommCallback cb, const void* user_data); /* :1054 */
int TIMMsgSetAllReceiveMessageOpt(enum TIMReceiveMessageOpt opt, int32_t start_hour, int32_t start_minute, int32_t start_second, uint32_t duration, TIMCommCallback cb, const void* user_data); /* :1079 */
int TIMMsgSetAllReceiveMessageOpt2(enum TIMReceiveMessageOpt opt, uint32_t start_time_stamp, uint32_t duration, TIMCommCallback cb, const void* user_data); /* :1098 */
int TIMMsgGetAllReceiveMessageOpt(TIMCommCallback cb, const void* user_data); /* :1141 */
int TIMMsgGetMsgList(const char* conv_id, enum TIMConvType conv_type, const char* json_get_msg_param, TIMCommCallback cb, const void* user_data); /* :1204 */
int TIMMsgRevoke(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback cb, const void* user_data); /* :1249 */
int TIMMsgModifyMessage(const char* json_msg_param, TIMCommCallback cb, const void* user_data); /* :1289 */
int TIMMsgDelete(const char* conv_id, enum TIMConvType conv_type, const char* json_msgdel_param, TIMCommCallback cb, const void* user_data); /* :1317 */
int TIMMsgListDelete(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_array, TIMCommCallback cb, const void* user_data); /* :1371 */
int TIMMsgClearHistoryMessage(const char* conv_id, enum TIMConvType conv_type, TIMCommCallback cb, const void* user_data); /* :1389 */
int TIMMsgSaveMsg(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback cb, const void* user_data); /* :1404 */
int TIMMsgImportMsgList(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_array, TIMCommCallback cb, const void* user_data); /* :1454 */
int TIMMsgFindMessages(const char* json_message_id_array, TIMCommCallback cb, const void* user_data); /* :1484 */
int TIMMsgFindByMsgLocatorList(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_Locator_array, TIMCommCallback cb, const void* user_data); /* :1528 */
int TIMMsgSearchLocalMessages(const char* json_search_message_param, TIMCommCallback cb, const void* user_data); /* :1565 */
int TIMMsgSearchCloudMessages(const char* json_search_message_param, TIMCommCallback cb, const void* user_data); /* :1605 */
int TIMMsgSendMessageReadReceipts(const char* json_msg_array, TIMCommCallback cb, const void* user_data); /* :1625 */
int TIMMsgGetMessageReadReceipts(const char* json_msg_array, TIMCommCallback cb, const void* user_data); /* :1660 */
int TIMMsgGetGroupMessageReadMemberList(const char* json_msg, enum TIMGroupMessageReadMembersFilter filter, uint64_t next_seq, uint32_t count, TIMMsgGroupMessageReadMemberListCallback cb, const void* user_data); /* :1700 */
int TIMMsgSetMessageExtensions(const char* json_msg, const char* json_extension_array, TIMCommCallback cb, const void* user_data); /* :1760 */
int TIMMsgGetMessageExtensions(const char* json_msg, TIMCommCallback cb, const void* user_data); /* :1798 */
int TIMMsgDeleteMessageExtensions(const char* json_msg, const char* json_extension_key_array, TIMCommCallback cb, const void* user_data); /* :1846 */
int TIMMsgAddMessageReaction(const char* json_msg, const char* reaction_id, TIMCommCallback cb, const void* user_data); /* :1899 */
int TIMMsgRemoveMessageReaction(const char* json_msg, const char* reaction_id, TIMCommCallback cb, const void* user_data); /* :1920 */
int TIMMsgGetMessageReactions(const char* json_msg_array, uint32_t max_user_count_per_reaction, TIMCommCallback cb, const void* user_data); /* :1939 */
int TIMMsgGetAllUserListOfMessageReaction(const char* json_msg, const char* reaction_id, uint32_t next_seq, uint32_t count, TIMCommCallback cb, const void* user_data); /* :1957 */
int TIMMsgTranslateText(const char* json_source_text_array, const char* source_language, const char* target_language, TIMCommCallback cb, const void* user_data); /* :1983 */
int TIMMsgConvertVoiceToText(const char* url, const char* language, TIMCommCallback cb, const void* user_data); /* :2007 */
int TIMPinGroupMessage(const char* group_id, const char* json_msg, bool is_pinned, TIMCommCallback cb, const void* user_data); /* :2030 */
int TIMGetPinnedGroupMessageList(const char* group_id, TIMCommCallback cb, const void* user_data); /* :2050 */
int TIMMsgSendNewMsg(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback cb, const void* user_data); /* :2728 */
int TIMMsgSendNewMsgEx(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback msgid_cb, TIMCommCallback res_cb, const void* user_data); /* :2793 */
int TIMMsgReportReaded(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback cb, const void* user_data); /* :2808 */
int TIMMsgMarkAllMessageAsRead(TIMCommCallback cb, const void* user_data); /* :2817 */

/* TIMOfflinePushManager.h */
int TIMMsgSetOfflinePushToken(const char* json_token, TIMCommCallback cb, const void* user_data); /* :97 */
int TIMMsgDoBackground(uint32_t unread_count, TIMCommCallback cb, const void* user_data); /* :110 */
int TIMMsgDoForeground(TIMCommCallback cb, const void* user_data); /* :122 */

/* TIMSignalingManager.h */
void TIMSetSignalingReceiveNewInvitationCallback(TIMSignalingReceiveNewInvitationCallback cb, const void* user_data); /* :130 */
void TIMSetSignalingInvitationCancelledCallback(TIMSignalingInvitationCancelledCallback cb, const void* user_data); /* :138 */
void TIMSetSignalingInviteeAcceptedCallback(TIMSignalingInviteeAcceptedCallback cb, const void* user_data); /* :146 */
void TIMSetSignalingInviteeRejectedCallback(TIMSignalingInviteeRejectedCallback cb, const void* user_data); /* :154 */
void TIMSetSignalingInvitationTimeoutCallback(TIMSignalingInvitationTimeoutCallback cb, const void* user_data); /* :162 */
void TIMSetSignalingInvitationModifiedCallback(TIMSignalingInvitationModifiedCallback cb, const void* user_data); /* :170 */
int TIMSignalingInvite(const char* invitee, const char* data, bool online_user_only, const char* json_offline_push_info, int timeout, char* invite_id_buffer, TIMCommCallback cb, const void* user_data); /* :208 */
int TIMSignalingInviteInGroup(const char* group_id, const char* json_invitee_array, const char* data, bool online_user_only, int timeout, char* invite_id_buffer, TIMCommCallback cb, const void* user_data); /* :241 */
int TIMSignalingCancel(const char* invite_id, const char* data, TIMCommCallback cb, const void* user_data); /* :267 */
int TIMSignalingAccept(const char* invite_id, const char* data, TIMCommCallback cb, const void* user_data); /* :293 */
int TIMSignalingReject(const char* invite_id, const char* data, TIMCommCallback cb, const void* user_data); /* :319 */
int TIMGetSignalingInfo(const char* json_msg, TIMCommCallback json_signaling_info_cb, const void* user_data); /* :345 */
int TIMSignalingModifyInvitation(const char* invite_id, const char* data, TIMCommCallback cb, const void* user_data); /* :365 */

#endif
