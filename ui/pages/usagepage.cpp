// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/usagepage.h"

namespace rd::ui {

UsagePage::UsagePage(QWidget *parent)
    : Page(parent)
{
    setObjectName(QStringLiteral("usagePage"));
}

void UsagePage::attach(const UiContext &context)
{
    m_context = context;
}

} // namespace rd::ui
