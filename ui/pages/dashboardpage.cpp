// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/dashboardpage.h"

namespace rd::ui {

DashboardPage::DashboardPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(QStringLiteral("dashboardPage"));
}

void DashboardPage::attach(const UiContext &context)
{
    m_context = context;
}

} // namespace rd::ui
