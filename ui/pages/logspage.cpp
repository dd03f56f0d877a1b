// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/logspage.h"

namespace rd::ui {

LogsPage::LogsPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(QStringLiteral("logsPage"));
}

void LogsPage::attach(const UiContext &context)
{
    m_context = context;
}

} // namespace rd::ui
