// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/util/logging.h"

Q_LOGGING_CATEGORY(lcHttp, "relaydesk.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRelay, "relaydesk.relay", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAccess, "relaydesk.access", QtWarningMsg) // the per-request access line is off by default
Q_LOGGING_CATEGORY(lcUpstream, "relaydesk.upstream", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "relaydesk.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "relaydesk.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSecrets, "relaydesk.secrets", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUsage, "relaydesk.usage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConfig, "relaydesk.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcOAuth, "relaydesk.oauth", QtInfoMsg)
