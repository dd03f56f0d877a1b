// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/pages/page.h"

namespace rd::ui {

class UsagePage : public Page
{
    Q_OBJECT
public:
    explicit UsagePage(QWidget *parent = nullptr);
    QString title() const override { return tr("Usage"); }
    void attach(const UiContext &context) override;

private:
    UiContext m_context;
};

} // namespace rd::ui
