"""Contains all the data models used in inputs/outputs"""

from .analytics_summary import AnalyticsSummary
from .analytics_summary_days_item import AnalyticsSummaryDaysItem
from .analytics_summary_period import AnalyticsSummaryPeriod
from .analytics_summary_totals import AnalyticsSummaryTotals
from .assign_in import AssignIn
from .broadcast import Broadcast
from .broadcast_audience import BroadcastAudience
from .broadcast_audience_active_days_type_0 import BroadcastAudienceActiveDaysType0
from .broadcast_estimate import BroadcastEstimate
from .broadcast_estimate_in import BroadcastEstimateIn
from .broadcast_field_filter import BroadcastFieldFilter
from .broadcast_field_filter_op import BroadcastFieldFilterOp
from .broadcast_in import BroadcastIn
from .broadcast_page import BroadcastPage
from .broadcast_progress import BroadcastProgress
from .broadcast_recipient import BroadcastRecipient
from .broadcast_recipient_page import BroadcastRecipientPage
from .broadcast_status import BroadcastStatus
from .broadcast_variable import BroadcastVariable
from .broadcast_variable_source import BroadcastVariableSource
from .button import Button
from .buttons_message import ButtonsMessage
from .consent_list import ConsentList
from .consent_record import ConsentRecord
from .consent_record_evidence import ConsentRecordEvidence
from .consent_record_legal_basis import ConsentRecordLegalBasis
from .consent_record_purpose import ConsentRecordPurpose
from .contact import Contact
from .contact_fields import ContactFields
from .contact_page import ContactPage
from .contact_patch import ContactPatch
from .contact_patch_fields_type_0 import ContactPatchFieldsType0
from .contact_upsert import ContactUpsert
from .contact_upsert_fields_type_0 import ContactUpsertFieldsType0
from .conversation import Conversation
from .conversation_page import ConversationPage
from .data_request import DataRequest
from .data_request_in import DataRequestIn
from .data_request_in_kind import DataRequestInKind
from .flow_detail import FlowDetail
from .flow_detail_definition import FlowDetailDefinition
from .flow_issue import FlowIssue
from .flow_list import FlowList
from .flow_started import FlowStarted
from .flow_summary import FlowSummary
from .flow_validation import FlowValidation
from .get_analytics_summary_period import GetAnalyticsSummaryPeriod
from .http_validation_error import HTTPValidationError
from .installed_template import InstalledTemplate
from .installed_template_list import InstalledTemplateList
from .instance import Instance
from .instance_health import InstanceHealth
from .instance_list import InstanceList
from .list_conversations_status_type_0 import ListConversationsStatusType0
from .list_message import ListMessage
from .media import Media
from .media_kind import MediaKind
from .media_message import MediaMessage
from .message_out import MessageOut
from .message_out_direction import MessageOutDirection
from .message_out_payload import MessageOutPayload
from .message_page import MessagePage
from .message_queued import MessageQueued
from .problem import Problem
from .problem_errors_type_0 import ProblemErrorsType0
from .return_to_bot_in import ReturnToBotIn
from .row import Row
from .section import Section
from .start_flow_in import StartFlowIn
from .template_message import TemplateMessage
from .text_message import TextMessage
from .usage import Usage
from .usage_counts import UsageCounts
from .validate_flow_definition import ValidateFlowDefinition
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .webhook_event import WebhookEvent
from .webhook_event_data import WebhookEventData

__all__ = (
    "AnalyticsSummary",
    "AnalyticsSummaryDaysItem",
    "AnalyticsSummaryPeriod",
    "AnalyticsSummaryTotals",
    "AssignIn",
    "Broadcast",
    "BroadcastAudience",
    "BroadcastAudienceActiveDaysType0",
    "BroadcastEstimate",
    "BroadcastEstimateIn",
    "BroadcastFieldFilter",
    "BroadcastFieldFilterOp",
    "BroadcastIn",
    "BroadcastPage",
    "BroadcastProgress",
    "BroadcastRecipient",
    "BroadcastRecipientPage",
    "BroadcastStatus",
    "BroadcastVariable",
    "BroadcastVariableSource",
    "Button",
    "ButtonsMessage",
    "ConsentList",
    "ConsentRecord",
    "ConsentRecordEvidence",
    "ConsentRecordLegalBasis",
    "ConsentRecordPurpose",
    "Contact",
    "ContactFields",
    "ContactPage",
    "ContactPatch",
    "ContactPatchFieldsType0",
    "ContactUpsert",
    "ContactUpsertFieldsType0",
    "Conversation",
    "ConversationPage",
    "DataRequest",
    "DataRequestIn",
    "DataRequestInKind",
    "FlowDetail",
    "FlowDetailDefinition",
    "FlowIssue",
    "FlowList",
    "FlowStarted",
    "FlowSummary",
    "FlowValidation",
    "GetAnalyticsSummaryPeriod",
    "HTTPValidationError",
    "InstalledTemplate",
    "InstalledTemplateList",
    "Instance",
    "InstanceHealth",
    "InstanceList",
    "ListConversationsStatusType0",
    "ListMessage",
    "Media",
    "MediaKind",
    "MediaMessage",
    "MessageOut",
    "MessageOutDirection",
    "MessageOutPayload",
    "MessagePage",
    "MessageQueued",
    "Problem",
    "ProblemErrorsType0",
    "ReturnToBotIn",
    "Row",
    "Section",
    "StartFlowIn",
    "TemplateMessage",
    "TextMessage",
    "Usage",
    "UsageCounts",
    "ValidateFlowDefinition",
    "ValidationError",
    "ValidationErrorContext",
    "WebhookEvent",
    "WebhookEventData",
)
