// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/pages/accountspage.h"

namespace rd::ui {

AccountsPage::AccountsPage(QWidget *parent)
    : Page(parent)
{
    setObjectName(QStringLiteral("accountsPage"));
}

void AccountsPage::attach(const UiContext &context)
{
    m_context = context;
}

} // namespace rd::ui
