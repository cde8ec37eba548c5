"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from ylada_app.models.ai import (
    AiConfig,
    AiLog,
    KnowledgeItem,
    KnowledgePosting,
    KnowledgeSynonym,
    KnowledgeVocab,
)
from ylada_app.models.analytics import (
    AnalyticsCursor,
    AnalyticsExport,
    AnalyticsReach,
    AnalyticsRollup,
    PlatformDaily,
)
from ylada_app.models.api import ApiIdempotency, ApiKey
from ylada_app.models.auth import (
    AccountToken,
    AuditLog,
    AuthSession,
    EmailMessage,
    Invitation,
    KnownDevice,
    Notification,
    RecoveryCode,
)
from ylada_app.models.base import utcnow
from ylada_app.models.billing import BillingAccount, BillingEvent, Invoice, Plan, Subscription
from ylada_app.models.brand import Brand
from ylada_app.models.broadcast import Broadcast, BroadcastRecipient
from ylada_app.models.conversation import (
    Contact,
    Conversation,
    ConversationLog,
    Message,
    QuickReply,
    Timer,
    WebhookLog,
)
from ylada_app.models.flow import Flow, FlowVersion
from ylada_app.models.governance import LegalDocument, RetentionRun
from ylada_app.models.instance import Instance
from ylada_app.models.marketplace import (
    AutomationTemplate,
    AutomationTemplateVersion,
    TemplatePurchase,
    TenantTemplate,
)
from ylada_app.models.platform import PlatformSetting
from ylada_app.models.privacy import ConsentRecord, DataRequest
from ylada_app.models.templates import MessageTemplate
from ylada_app.models.tenant import Membership, Tenant, User
from ylada_app.models.usage import AnalyticsEvent, UsageCounter
from ylada_app.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "LegalDocument",
    "RetentionRun",
    "Brand",
    "ConsentRecord",
    "DataRequest",
    "Broadcast",
    "PlatformSetting",
    "BroadcastRecipient",
    "MessageTemplate",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "AiConfig",
    "AiLog",
    "KnowledgeItem",
    "KnowledgeSynonym",
    "KnowledgePosting",
    "KnowledgeVocab",
    "ApiKey",
    "ApiIdempotency",
    "AnalyticsCursor",
    "AnalyticsExport",
    "AnalyticsReach",
    "AnalyticsRollup",
    "PlatformDaily",
    "AnalyticsEvent",
    "BillingAccount",
    "BillingEvent",
    "Invoice",
    "AutomationTemplate",
    "AutomationTemplateVersion",
    "TemplatePurchase",
    "TenantTemplate",
    "Contact",
    "Conversation",
    "ConversationLog",
    "Flow",
    "FlowVersion",
    "Message",
    "QuickReply",
    "Timer",
    "UsageCounter",
    "WebhookLog",
    "AuthSession",
    "Instance",
    "Invitation",
    "AccountToken",
    "AuditLog",
    "EmailMessage",
    "KnownDevice",
    "Notification",
    "RecoveryCode",
    "Membership",
    "Plan",
    "Subscription",
    "Tenant",
    "User",
    "utcnow",
]
